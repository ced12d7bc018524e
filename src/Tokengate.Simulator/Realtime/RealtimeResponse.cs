namespace Tokengate.Simulator.Realtime;

/// <summary>
/// One response of a session as its events report it: settings it runs under, its output item (none when admission
/// refused it), status and usage. Written by the response's own task; the session reads it only after it ends.
/// </summary>
internal sealed class RealtimeResponse(string id, string? conversationId, RealtimeSessionConfig config)
{
    public string Id { get; } = id;

    /// <summary>The default conversation's id, or null for an out-of-band response.</summary>
    public string? ConversationId { get; } = conversationId;

    public RealtimeSessionConfig Config { get; } = config;

    /// <summary><c>in_progress</c>, then <c>completed</c>, <c>incomplete</c>, <c>cancelled</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = "in_progress";

    /// <summary>Why it did not complete: <c>client_cancelled</c>, <c>max_output_tokens</c>; null otherwise.</summary>
    public string? Reason { get; set; }

    /// <summary>Failed only: the error's type and code.</summary>
    public (string Type, string Code)? Error { get; set; }

    public RealtimeItem? Item { get; set; }

    public RealtimeUsage Usage { get; set; }
}
