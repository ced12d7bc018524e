using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tokengate.Logging;

/// <summary>
/// Takes the credentials a request hands to the service for its tools out of a logged body: MCP tools carry the
/// headers (and an <c>authorization</c> value) the service sends to their server, which no log may keep. Every value
/// of <c>tools[].headers</c> and every <c>tools[].authorization</c> becomes <c>"[redacted]"</c>; the rest of the body
/// is written as it was.
/// </summary>
internal static class ToolSecretRedaction
{
    private const string Redacted = "[redacted]";

    /// <summary>The body as text, with tool secrets replaced; a body that is not JSON comes back as it is.</summary>
    public static string Redact(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("\"tools\""u8) < 0) return Encoding.UTF8.GetString(body);
        try
        {
            var output = new ArrayBufferWriter<byte>(body.Length);
            using (var writer = new Utf8JsonWriter(output))
            {
                var reader = new Utf8JsonReader(body);
                Copy(ref reader, writer);
            }
            return Encoding.UTF8.GetString(output.WrittenSpan);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(body);
        }
    }

    private static void Copy(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        // Depth 1 is the body's members; a tool is an object at depth 2 inside "tools"; its members are at depth 3.
        var inTools = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    writer.WritePropertyName(name);
                    if (reader.CurrentDepth == 1) inTools = name == "tools";
                    else if (inTools && reader.CurrentDepth == 3 && name is "headers" or "authorization")
                    {
                        reader.Read();
                        WriteRedacted(ref reader, writer);
                    }
                    break;
                case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                case JsonTokenType.String: writer.WriteStringValue(reader.GetString()); break;
                case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                case JsonTokenType.Null: writer.WriteNullValue(); break;
            }
        }
    }

    /// <summary>An object keeps its keys with every value redacted; anything else becomes the marker.</summary>
    private static void WriteRedacted(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            writer.WriteStringValue(Redacted);
            return;
        }
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            writer.WritePropertyName(reader.GetString()!);
            reader.Read();
            reader.Skip();
            writer.WriteStringValue(Redacted);
        }
        writer.WriteEndObject();
    }
}
