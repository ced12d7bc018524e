namespace Tokengate.Limits;

/// <summary>One set of counters a request is charged to, with its limits (null: no limit of that kind).</summary>
/// <param name="Key">The counters' identity, e.g. <c>consumer:alice</c> or <c>group:checkout</c>.</param>
/// <param name="Label">How a 429 names it to the consumer, e.g. <c>consumer 'alice'</c>.</param>
/// <param name="TokensPerMinute">Tokens in the sliding minute.</param>
/// <param name="RequestsPerMinute">Requests in the sliding minute.</param>
/// <param name="ConcurrentRequests">Requests in flight.</param>
internal sealed record LimitScope(string Key, string Label, int? TokensPerMinute, int? RequestsPerMinute, int? ConcurrentRequests)
{
    public bool IsUnlimited => TokensPerMinute is null && RequestsPerMinute is null && ConcurrentRequests is null;
}
