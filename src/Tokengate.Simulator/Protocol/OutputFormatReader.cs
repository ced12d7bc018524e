using System.Text.Json;
using Tokengate.Simulator.Generation;

namespace Tokengate.Simulator.Protocol;

/// <summary>Reads the answer format: chat's <c>response_format</c> and Responses' <c>text.format</c>.</summary>
internal static class OutputFormatReader
{
    /// <summary>Chat: <c>{"type":"json_schema","json_schema":{"name","schema","strict"}}</c> or <c>{"type":"json_object"}</c>.</summary>
    public static OutputFormat? ReadChat(JsonElement root, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        if (!root.TryGetProperty("response_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return OutputFormat.Text;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            error = RequestErrors.InvalidType("response_format", "an object", format);
            return null;
        }

        JsonElement definition = default;
        if (format.TryGetProperty("type", out var type) && type.ValueEquals("json_schema")
            && (!format.TryGetProperty("json_schema", out definition) || definition.ValueKind != JsonValueKind.Object))
        {
            error = RequestErrors.Missing("response_format.json_schema");
            return null;
        }

        return Read(format, definition, "response_format", "response_format.json_schema", out error);
    }

    /// <summary>Responses: <c>text: {"format": {"type":"json_schema","name","schema","strict"}}</c>.</summary>
    public static OutputFormat? ReadResponses(JsonElement root, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        if (!root.TryGetProperty("text", out var text) || text.ValueKind == JsonValueKind.Null)
        {
            return OutputFormat.Text;
        }

        if (text.ValueKind != JsonValueKind.Object)
        {
            error = RequestErrors.InvalidType("text", "an object", text);
            return null;
        }

        if (!text.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return OutputFormat.Text;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            error = RequestErrors.InvalidType("text.format", "an object", format);
            return null;
        }

        return Read(format, format, "text.format", "text.format", out error);
    }

    private static OutputFormat? Read(JsonElement format, JsonElement definition, string typeParam, string schemaParam, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        if (!format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            error = RequestErrors.Missing(typeParam + ".type");
            return null;
        }

        switch (type.GetString())
        {
            case "text":
                return OutputFormat.Text;
            case "json_object":
                return new OutputFormat(OutputFormatKind.JsonObject, default);
            case "json_schema":
                if (!definition.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    error = RequestErrors.Missing(schemaParam + ".name");
                    return null;
                }

                // Without a schema any JSON is valid; answering an object keeps clients that parse it happy.
                return definition.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object
                    ? new OutputFormat(OutputFormatKind.JsonSchema, schema.Clone())
                    : new OutputFormat(OutputFormatKind.JsonObject, default);
            default:
                error = RequestErrors.InvalidValue(typeParam + ".type",
                    $"Invalid value: '{type.GetString()}'. Supported values are: 'text', 'json_object', and 'json_schema'.");
                return null;
        }
    }
}
