namespace Tokengate.Operations;

/// <summary>What a request of an operation carries.</summary>
internal enum BodyKind
{
    /// <summary>No body (GET, DELETE, and POSTs such as cancel).</summary>
    None,

    /// <summary>One JSON object, read once into pooled memory.</summary>
    Json,

    /// <summary>Bytes of any content type (multipart, audio), read once within the size limit and forwarded as they are.</summary>
    Raw,
}
