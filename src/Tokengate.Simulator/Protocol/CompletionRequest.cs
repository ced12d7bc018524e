using System.Text.Json;
using Tokengate.Simulator.Generation;

namespace Tokengate.Simulator.Protocol;

/// <summary>The fields of a chat or legacy completions request that change what the simulator answers.</summary>
internal sealed class CompletionRequest
{
    private const int MaxChoices = 128;

    // The service's bounds: chat top_logprobs 0..20, legacy completions logprobs 0..5.
    private const int MaxTopLogprobs = 20;
    private const int MaxLegacyLogprobs = 5;

    public JsonElement Messages { get; private init; }

    public List<string>? Prompts { get; private init; }

    public int? MaxTokens { get; private init; }

    /// <summary>The field <see cref="MaxTokens"/> came from (<c>max_tokens</c> or <c>max_completion_tokens</c>), for errors.</summary>
    public string? MaxTokensParam { get; private init; }

    public int N { get; private init; } = 1;

    public bool Stream { get; private init; }

    public bool IncludeUsage { get; private init; }

    public List<string>? Stop { get; private init; }

    /// <summary>Chat: the offered functions and the one <c>tool_choice</c> forces.</summary>
    public ToolRequest Tools { get; private init; } = ToolRequest.None;

    /// <summary>Chat: <c>response_format</c>.</summary>
    public OutputFormat Format { get; private init; } = OutputFormat.Text;

    /// <summary>
    /// Entries in each token's alternatives, the chosen token included (chat <c>top_logprobs</c>; legacy
    /// <c>logprobs</c> + 1); null when no logprobs were asked for.
    /// </summary>
    public int? LogprobEntries { get; private init; }

    /// <summary>Parses the request; on failure returns null with an OpenAI-style message, param and code.</summary>
    public static CompletionRequest? Parse(JsonElement root, bool chat, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        JsonElement messages = default;
        List<string>? prompts = null;
        if (chat)
        {
            if (!root.TryGetProperty("messages", out messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                error = ("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
                return null;
            }
        }
        else if (!TryReadStrings(root, "prompt", out prompts) || prompts is null || prompts.Count == 0)
        {
            error = ("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
            return null;
        }

        // max_completion_tokens is the newer name; when both are sent it is the one that bounds the answer.
        int? maxTokens = null;
        string? maxTokensParam = null;
        foreach (var name in (ReadOnlySpan<string>)["max_tokens", "max_completion_tokens"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var parsed) || parsed < 0)
                {
                    error = ($"Invalid value for '{name}': expected a non-negative integer.", name, "invalid_value");
                    return null;
                }

                maxTokens = parsed;
                maxTokensParam = name;
            }
        }

        var n = 1;
        if (root.TryGetProperty("n", out var nValue) && nValue.ValueKind != JsonValueKind.Null
            && (nValue.ValueKind != JsonValueKind.Number || !nValue.TryGetInt32(out n) || n is < 1 or > MaxChoices))
        {
            error = ($"Invalid value for 'n': expected an integer between 1 and {MaxChoices}.", "n", "invalid_value");
            return null;
        }

        if (!TryReadStrings(root, "stop", out var stop))
        {
            error = ("Invalid type for 'stop': expected a string or an array of strings.", "stop", "invalid_type");
            return null;
        }

        var tools = ToolRequest.None;
        var format = OutputFormat.Text;
        int? logprobEntries = null;
        if (chat)
        {
            if (ToolRequest.Parse(root, chatShape: true, out error) is not { } parsedTools
                || OutputFormatReader.ReadChat(root, out error) is not { } parsedFormat
                || !TryReadChatLogprobs(root, out logprobEntries, out error))
            {
                return null;
            }

            tools = parsedTools;
            format = parsedFormat;
        }
        else
        {
            if (!RequestErrors.TryReadInt(root, "logprobs", "logprobs", 0, MaxLegacyLogprobs, out var legacy, out error))
            {
                return null;
            }

            logprobEntries = legacy + 1;
        }

        var stream = root.TryGetProperty("stream", out var streamValue) && streamValue.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var usage) && usage.ValueKind == JsonValueKind.True;

        return new CompletionRequest
        {
            Messages = messages,
            Prompts = prompts,
            MaxTokens = maxTokens,
            MaxTokensParam = maxTokensParam,
            N = n,
            Stream = stream,
            IncludeUsage = includeUsage,
            Stop = stop,
            Tools = tools,
            Format = format,
            LogprobEntries = logprobEntries,
        };
    }

    /// <summary>Chat: <c>logprobs</c> is a boolean; <c>top_logprobs</c> (0..20) needs it to be true.</summary>
    private static bool TryReadChatLogprobs(JsonElement root, out int? entries, out (string Message, string? Param, string? Code) error)
    {
        entries = null;
        error = default;
        var enabled = false;
        if (root.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind != JsonValueKind.Null)
        {
            if (logprobs.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = RequestErrors.InvalidType("logprobs", "a boolean", logprobs);
                return false;
            }

            enabled = logprobs.ValueKind == JsonValueKind.True;
        }

        if (!RequestErrors.TryReadInt(root, "top_logprobs", "top_logprobs", 0, MaxTopLogprobs, out var top, out error))
        {
            return false;
        }

        if (top is not null && !enabled)
        {
            error = RequestErrors.InvalidValue("top_logprobs", "Invalid value for 'top_logprobs': 'top_logprobs' is only allowed when 'logprobs' is true.");
            return false;
        }

        entries = enabled ? top ?? 0 : null;
        return true;
    }

    /// <summary>A string or an array of strings; absent or null gives null; any other shape fails.</summary>
    private static bool TryReadStrings(JsonElement root, string name, out List<string>? values)
    {
        values = null;
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            values = [value.GetString()!];
            return true;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        values = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            values.Add(item.GetString()!);
        }

        return true;
    }
}
