namespace Tokengate.Limits;

/// <summary>Which limit of a scope refused a request.</summary>
internal enum LimitKind
{
    TokensPerMinute,
    RequestsPerMinute,
    ConcurrentRequests,
}
