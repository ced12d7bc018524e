namespace Tokengate.Simulator.Generation;

/// <summary>What shape the answer's text takes.</summary>
internal enum OutputFormatKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>Any JSON object (<c>json_object</c>).</summary>
    JsonObject,

    /// <summary>A JSON value valid against a schema (<c>json_schema</c>).</summary>
    JsonSchema,
}
