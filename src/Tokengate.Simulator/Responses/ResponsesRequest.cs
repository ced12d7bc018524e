using System.Buffers;
using System.Text.Json;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Responses;

/// <summary>The fields of a Responses create (or input_tokens) request that change what the simulator answers.</summary>
internal sealed class ResponsesRequest
{
    // The service refuses output bounds below 16 tokens.
    private const int MinOutputTokens = 16;
    private const int MaxTopLogprobs = 20;
    private const string LogprobsInclude = "message.output_text.logprobs";

    // Settings the response object echoes back, copied from the request when present.
    private static readonly string[] EchoedFields =
    [
        "instructions", "tools", "tool_choice", "temperature", "top_p", "max_output_tokens", "max_tool_calls",
        "previous_response_id", "service_tier", "text", "parallel_tool_calls", "metadata", "truncation", "reasoning",
        "top_logprobs", "user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention",
    ];

    /// <summary>A string or an array of items; undefined when absent.</summary>
    public JsonElement Input { get; private init; }

    public string? Instructions { get; private init; }

    public int? MaxOutputTokens { get; private init; }

    public bool Stream { get; private init; }

    public bool Store { get; private init; } = true;

    public bool Background { get; private init; }

    public string? PreviousResponseId { get; private init; }

    public ToolRequest Tools { get; private init; } = ToolRequest.None;

    public OutputFormat Format { get; private init; } = OutputFormat.Text;

    public int TopLogprobs { get; private init; }

    /// <summary>Whether <c>include</c> asks for output_text logprobs.</summary>
    public bool IncludeLogprobs { get; private init; }

    /// <summary>A private copy of the settings to echo, so the stored response does not hold the whole request.</summary>
    public JsonElement Settings { get; private init; }

    /// <summary>Parses the request; on failure returns null with an OpenAI-style message, param and code.</summary>
    public static ResponsesRequest? Parse(JsonElement root, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        JsonElement input = default;
        if (root.TryGetProperty("input", out var inputValue) && inputValue.ValueKind != JsonValueKind.Null)
        {
            if (inputValue.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
            {
                error = RequestErrors.InvalidType("input", "a string or an array", inputValue);
                return null;
            }

            input = inputValue;
        }

        string? instructions = null;
        if (root.TryGetProperty("instructions", out var instructionsValue) && instructionsValue.ValueKind != JsonValueKind.Null)
        {
            if (instructionsValue.ValueKind != JsonValueKind.String)
            {
                error = RequestErrors.InvalidType("instructions", "a string", instructionsValue);
                return null;
            }

            instructions = instructionsValue.GetString();
        }

        if (!RequestErrors.TryReadInt(root, "max_output_tokens", "max_output_tokens", MinOutputTokens, int.MaxValue, out var maxOutputTokens, out error)
            || !RequestErrors.TryReadInt(root, "top_logprobs", "top_logprobs", 0, MaxTopLogprobs, out var topLogprobs, out error)
            || !TryReadBool(root, "stream", false, out var stream, out error)
            || !TryReadBool(root, "store", true, out var store, out error)
            || !TryReadBool(root, "background", false, out var background, out error)
            || !TryReadIncludes(root, out var includeLogprobs, out error))
        {
            return null;
        }

        if (background && !store)
        {
            error = RequestErrors.InvalidValue("background", "Invalid value for 'background': background mode requires 'store' to be true.");
            return null;
        }

        string? previous = null;
        if (root.TryGetProperty("previous_response_id", out var previousValue) && previousValue.ValueKind != JsonValueKind.Null)
        {
            if (previousValue.ValueKind != JsonValueKind.String)
            {
                error = RequestErrors.InvalidType("previous_response_id", "a string", previousValue);
                return null;
            }

            previous = previousValue.GetString();
        }

        if (ToolRequest.Parse(root, chatShape: false, out error) is not { } tools
            || OutputFormatReader.ReadResponses(root, out error) is not { } format)
        {
            return null;
        }

        return new ResponsesRequest
        {
            Input = input,
            Instructions = instructions,
            MaxOutputTokens = maxOutputTokens,
            Stream = stream,
            Store = store,
            Background = background,
            PreviousResponseId = previous,
            Tools = tools,
            Format = format,
            TopLogprobs = topLogprobs ?? 0,
            IncludeLogprobs = includeLogprobs,
            Settings = CopySettings(root),
        };
    }

    private static bool TryReadBool(JsonElement root, string name, bool fallback, out bool value, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        value = fallback;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = RequestErrors.InvalidType(name, "a boolean", element);
            return false;
        }

        value = element.ValueKind == JsonValueKind.True;
        return true;
    }

    private static bool TryReadIncludes(JsonElement root, out bool logprobs, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        logprobs = false;
        if (!root.TryGetProperty("include", out var include) || include.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (include.ValueKind != JsonValueKind.Array)
        {
            error = RequestErrors.InvalidType("include", "an array", include);
            return false;
        }

        foreach (var item in include.EnumerateArray())
        {
            logprobs |= item.ValueKind == JsonValueKind.String && item.ValueEquals(LogprobsInclude);
        }

        return true;
    }

    private static JsonElement CopySettings(JsonElement root)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var name in EchoedFields)
            {
                if (root.TryGetProperty(name, out var value))
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
    }
}
