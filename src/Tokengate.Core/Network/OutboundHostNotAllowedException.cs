namespace Tokengate.Network;

/// <summary>
/// An outbound call to a host that is not on the allowlist. A connection error to callers, so the forwarding loop
/// treats it like an unreachable backend and moves on.
/// </summary>
internal sealed class OutboundHostNotAllowedException : HttpRequestException
{
    public OutboundHostNotAllowedException(string host)
        : base(HttpRequestError.ConnectionError, $"Outbound calls to '{host}' are not allowed: the host is not in Tokengate:Outbound:AllowedHosts.")
    {
        Host = host;
    }

    /// <summary>The refused host.</summary>
    public string Host { get; }
}
