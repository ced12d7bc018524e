using System.Text.Json;

namespace Tokengate.OpenAI;

/// <summary>
/// Reads the top-level fields the gateway needs with <see cref="Utf8JsonReader"/> and checks that the whole body
/// is well-formed JSON (skipped values are still validated by the reader).
/// </summary>
internal static class RequestBodyParser
{
    public static bool TryParse(ReadOnlySpan<byte> body, out ParsedRequest request, out string? error)
    {
        request = new ParsedRequest { N = 1 };
        error = null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The request body must be a JSON object.";
                return false;
            }
            request.InsertAt = (int)reader.TokenStartIndex + 1;

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    // The range covers any value, so a rewrite replaces a null or non-string model too.
                    request.ModelTokenStart = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.String) request.Model = reader.GetString();
                    else reader.Skip();
                    request.ModelTokenLength = (int)reader.BytesConsumed - request.ModelTokenStart;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    request.Stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    request.StreamOptionsStart = (int)reader.TokenStartIndex;
                    request.IncludeUsage = ReadIncludeUsage(ref reader, ref request);
                    request.StreamOptionsLength = (int)reader.BytesConsumed - request.StreamOptionsStart;
                }
                else if (reader.ValueTextEquals("max_tokens"u8))
                {
                    reader.Read();
                    request.MaxTokensStart = (int)reader.TokenStartIndex;
                    request.MaxTokens = ReadOptionalInt(ref reader, "max_tokens");
                    request.MaxTokensLength = (int)reader.BytesConsumed - request.MaxTokensStart;
                }
                else if (reader.ValueTextEquals("max_completion_tokens"u8))
                {
                    reader.Read();
                    request.MaxCompletionTokensStart = (int)reader.TokenStartIndex;
                    request.MaxCompletionTokens = ReadOptionalInt(ref reader, "max_completion_tokens");
                    request.MaxCompletionTokensLength = (int)reader.BytesConsumed - request.MaxCompletionTokensStart;
                }
                else if (reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("prompt"u8) || reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    request.PromptStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    request.PromptLength = (int)reader.BytesConsumed - request.PromptStart;
                }
                else if (reader.ValueTextEquals("tools"u8) || reader.ValueTextEquals("functions"u8))
                {
                    reader.Read();
                    request.ToolsStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    request.ToolsLength = (int)reader.BytesConsumed - request.ToolsStart;
                }
                else if (reader.ValueTextEquals("n"u8))
                {
                    reader.Read();
                    request.N = ReadOptionalInt(ref reader, "n") ?? 1;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "The request body must contain exactly one JSON object.";
                return false;
            }
            return true;
        }
        catch (JsonException)
        {
            error = "We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.";
            return false;
        }
        catch (InvalidFieldException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    private static bool ReadIncludeUsage(ref Utf8JsonReader reader, ref ParsedRequest request)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }
        var include = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                include = reader.TokenType == JsonTokenType.True;
                request.IncludeUsageStart = (int)reader.TokenStartIndex;
            }
            reader.Skip();
            if (isIncludeUsage) request.IncludeUsageLength = (int)reader.BytesConsumed - request.IncludeUsageStart;
        }
        return include;
    }

    private static int? ReadOptionalInt(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value) || value < 0)
            throw new InvalidFieldException($"Invalid value for '{field}': expected a non-negative integer.");
        return value;
    }

    private sealed class InvalidFieldException(string message) : Exception(message);
}
