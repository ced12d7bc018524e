using System.Text.Json;
using System.Text.Unicode;

namespace Tokengate.OpenAI;

/// <summary>
/// Reads the top-level fields the gateway needs with <see cref="Utf8JsonReader"/> and checks that the whole body
/// is well-formed JSON in valid UTF-8 (skipped values are still validated by the reader), and that every field the
/// gateway reads has the type and range the API allows. A body that fails here never reaches a backend: a request
/// the service cannot parse must not be able to fail on every backend and put them to rest.
/// </summary>
internal static class RequestBodyParser
{
    /// <summary>The most choices the API accepts in <c>n</c>.</summary>
    public const int MaxChoices = 128;

    public static bool TryParse(ReadOnlySpan<byte> body, out ParsedRequest request, out string? error)
    {
        request = new ParsedRequest { N = 1 };
        error = null;
        // The reader checks the JSON grammar but not the bytes inside strings it skips.
        if (!Utf8.IsValid(body))
        {
            error = "The request body is not valid UTF-8. Encode the JSON payload as UTF-8.";
            return false;
        }
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
                    // Classic routes ignore the body's model, as the service does; v1 routes refuse a missing one later.
                    if (reader.TokenType == JsonTokenType.String) request.Model = reader.GetString();
                    else reader.Skip();
                    request.ModelTokenLength = (int)reader.BytesConsumed - request.ModelTokenStart;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    request.Stream = ReadOptionalBool(ref reader, "stream");
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
                    request.MaxTokens = ReadOptionalInt(ref reader, "max_tokens", min: 1);
                    request.MaxTokensLength = (int)reader.BytesConsumed - request.MaxTokensStart;
                }
                else if (reader.ValueTextEquals("max_output_tokens"u8))
                {
                    reader.Read();
                    request.MaxOutputTokensStart = (int)reader.TokenStartIndex;
                    request.MaxOutputTokens = ReadOptionalInt(ref reader, "max_output_tokens", min: 1);
                    request.MaxOutputTokensLength = (int)reader.BytesConsumed - request.MaxOutputTokensStart;
                }
                else if (reader.ValueTextEquals("instructions"u8))
                {
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null)) throw InvalidType("instructions", "a string");
                    request.InstructionsStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    request.InstructionsLength = reader.TokenType == JsonTokenType.Null ? 0 : (int)reader.BytesConsumed - request.InstructionsStart;
                }
                else if (reader.ValueTextEquals("previous_response_id"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) request.PreviousResponseId = reader.GetString();
                    else if (reader.TokenType != JsonTokenType.Null) throw InvalidType("previous_response_id", "a string");
                }
                else if (reader.ValueTextEquals("store"u8))
                {
                    reader.Read();
                    request.Store = reader.TokenType == JsonTokenType.Null ? null : ReadOptionalBool(ref reader, "store");
                }
                else if (reader.ValueTextEquals("background"u8))
                {
                    reader.Read();
                    request.Background = ReadOptionalBool(ref reader, "background");
                }
                else if (reader.ValueTextEquals("max_completion_tokens"u8))
                {
                    reader.Read();
                    request.MaxCompletionTokensStart = (int)reader.TokenStartIndex;
                    request.MaxCompletionTokens = ReadOptionalInt(ref reader, "max_completion_tokens", min: 1);
                    request.MaxCompletionTokensLength = (int)reader.BytesConsumed - request.MaxCompletionTokensStart;
                }
                else if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray) throw InvalidType("messages", "an array");
                    request.PromptStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    request.PromptLength = (int)reader.BytesConsumed - request.PromptStart;
                }
                else if (reader.ValueTextEquals("prompt"u8) || reader.ValueTextEquals("input"u8))
                {
                    var field = reader.ValueTextEquals("prompt"u8) ? "prompt" : "input";
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.StartArray)) throw InvalidType(field, "a string or an array");
                    request.PromptStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    request.PromptLength = (int)reader.BytesConsumed - request.PromptStart;
                }
                else if (reader.ValueTextEquals("tools"u8) || reader.ValueTextEquals("functions"u8))
                {
                    var field = reader.ValueTextEquals("tools"u8) ? "tools" : "functions";
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.Null)) throw InvalidType(field, "an array");
                    request.ToolsStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    request.ToolsLength = (int)reader.BytesConsumed - request.ToolsStart;
                }
                else if (reader.ValueTextEquals("size"u8) || reader.ValueTextEquals("quality"u8))
                {
                    var isSize = reader.ValueTextEquals("size"u8);
                    reader.Read();
                    var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null)) throw InvalidType(isSize ? "size" : "quality", "a string");
                    if (isSize) request.ImageSize = value;
                    else request.ImageQuality = value;
                }
                else if (reader.ValueTextEquals("service_tier"u8))
                {
                    // A tier the gateway may replace per backend; anything but a string (or null) is refused here, as the service would.
                    var member = (int)reader.TokenStartIndex;
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null)) throw InvalidType("service_tier", "a string");
                    request.ServiceTierMemberStart = member;
                    request.ServiceTierStart = (int)reader.TokenStartIndex;
                    request.ServiceTier = Priority.ServiceTierNames.Read(ref reader);
                    request.ServiceTierLength = (int)reader.BytesConsumed - request.ServiceTierStart;
                }
                else if (reader.ValueTextEquals("n"u8))
                {
                    reader.Read();
                    request.N = ReadOptionalInt(ref reader, "n", min: 1, max: MaxChoices) ?? 1;
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
        if (reader.TokenType == JsonTokenType.Null) return false;
        if (reader.TokenType != JsonTokenType.StartObject) throw InvalidType("stream_options", "an object");
        var include = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                request.IncludeUsageStart = (int)reader.TokenStartIndex;
                include = ReadOptionalBool(ref reader, "stream_options.include_usage");
            }
            reader.Skip();
            if (isIncludeUsage) request.IncludeUsageLength = (int)reader.BytesConsumed - request.IncludeUsageStart;
        }
        return include;
    }

    /// <summary>An integer within [<paramref name="min"/>, <paramref name="max"/>]; larger numbers never wrap around.</summary>
    private static int? ReadOptionalInt(ref Utf8JsonReader reader, string field, int min, int max = int.MaxValue)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < min || value > max)
        {
            throw new InvalidFieldException(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Invalid value for '{field}': expected an integer from {min} to {max}."));
        }
        return (int)value;
    }

    private static bool ReadOptionalBool(ref Utf8JsonReader reader, string field) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        _ => throw InvalidType(field, "a boolean"),
    };

    private static InvalidFieldException InvalidType(string field, string expected) =>
        new($"Invalid type for '{field}': expected {expected}.");

    private sealed class InvalidFieldException(string message) : Exception(message);
}
