namespace Tokengate.Simulator.Realtime;

/// <summary>
/// One item of a session's conversation: a message (user, assistant or system), a function call or a function call
/// output. A response's item is filled in while it streams; the session lock guards every change.
/// </summary>
internal sealed class RealtimeItem(string id, string type)
{
    public string Id { get; } = id;

    /// <summary><c>message</c>, <c>function_call</c> or <c>function_call_output</c>.</summary>
    public string Type { get; } = type;

    /// <summary>Messages: <c>user</c>, <c>assistant</c> or <c>system</c>.</summary>
    public string? Role { get; init; }

    /// <summary><c>in_progress</c>, <c>completed</c> or <c>incomplete</c>.</summary>
    public string Status { get; set; } = "completed";

    public List<RealtimeContentPart> Content { get; } = [];

    public string? CallId { get; init; }

    public string? Name { get; init; }

    public string? Arguments { get; set; }

    public string? Output { get; init; }

    /// <summary>Tokens of a function call's name and arguments, or of a function call output.</summary>
    public int TextTokens { get; set; }

    public int InputTextTokens()
    {
        var tokens = TextTokens;
        foreach (var part in Content)
        {
            tokens += part.TextTokens;
        }

        return tokens;
    }

    public int InputAudioTokens()
    {
        var tokens = 0;
        foreach (var part in Content)
        {
            tokens += part.AudioTokens;
        }

        return tokens;
    }
}
