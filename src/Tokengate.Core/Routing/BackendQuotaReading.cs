namespace Tokengate.Routing;

/// <summary>
/// A backend's own rate-limit headers from one response (protocol reference §6.2); each is null when absent.
/// Tokens are per minute; requests are per the service's short window (10 s on Azure standard deployments).
/// </summary>
internal readonly record struct BackendQuotaReading(long? LimitTokens, long? RemainingTokens, long? LimitRequests, long? RemainingRequests)
{
    public bool IsEmpty => LimitTokens is null && RemainingTokens is null && LimitRequests is null && RemainingRequests is null;
}
