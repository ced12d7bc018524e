using System.Net.WebSockets;

namespace Tokengate.Realtime;

/// <summary>
/// Why the gateway ends a session itself, with the close frame both sides get and the <c>error</c> event the client
/// gets first (none for a shutdown, whose close status says it all).
/// </summary>
/// <param name="Kind">The reason's name on metrics and logs (<c>budget</c>, <c>revoked</c>, <c>shutdown</c>, ...).</param>
/// <param name="Status">The close status.</param>
/// <param name="Reason">The close reason, at most 123 bytes.</param>
/// <param name="ErrorEvent">The <c>error</c> event sent before the close frame, or null.</param>
internal sealed record RealtimeSessionEnd(string Kind, WebSocketCloseStatus Status, string Reason, byte[]? ErrorEvent)
{
    public static RealtimeSessionEnd BudgetSpent(string budgetLabel) => new("budget", WebSocketCloseStatus.PolicyViolation,
        RealtimeErrors.CloseReason($"budget spent: {budgetLabel}"),
        RealtimeErrors.Event("insufficient_quota", "budget_exceeded",
            $"The {budgetLabel} is spent; the gateway ended this realtime session. New sessions are refused until the budget resets."));

    public static RealtimeSessionEnd Revoked { get; } = new("revoked", WebSocketCloseStatus.PolicyViolation,
        "credential revoked or expired",
        RealtimeErrors.Event("invalid_request_error", "session_revoked",
            "The credential this session was opened with is no longer valid (the key was revoked or expired, the token expired, or the consumer was removed); the gateway ended the session."));

    public static RealtimeSessionEnd Shutdown { get; } = new("shutdown", WebSocketCloseStatus.EndpointUnavailable, "gateway shutting down; reconnect", null);

    /// <summary>The client went away: the upstream side is closed as going away, nothing is sent to the client.</summary>
    public static RealtimeSessionEnd ClientGone { get; } = new("client_gone", WebSocketCloseStatus.EndpointUnavailable, "client disconnected", null);

    public static RealtimeSessionEnd UpstreamLost { get; } = new("upstream_lost", WebSocketCloseStatus.InternalServerError, "upstream connection lost",
        RealtimeErrors.Event("server_error", "upstream_disconnected",
            "The connection to the model's backend was lost; the gateway ended the session. Usage of the responses already completed is recorded; reconnect to continue."));

    public static RealtimeSessionEnd EventTooLarge(int limit) => new("event_too_large", WebSocketCloseStatus.MessageTooBig,
        "event too large to meter",
        RealtimeErrors.Event("server_error", "event_too_large",
            $"A server event that carries usage was larger than the gateway's limit of {limit} bytes (Realtime:MaxEventBytes), so it could not be metered; the gateway ended the session."));
}
