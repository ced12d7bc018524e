namespace Tokengate.Accounting;

/// <summary>One request's entry in the usage ledger. <see cref="Id"/> makes writing it again (a spool replay) a no-op.</summary>
internal sealed record UsageRecord(
    DateTimeOffset At,
    string Consumer,
    string? Group,
    string Deployment,
    string? Backend,
    string? Model,
    long PromptTokens,
    long CachedTokens,
    long CompletionTokens,
    decimal CostUsd,
    int Status,
    double LatencyMs,
    double? TimeToFirstByteMs,
    bool Stream,
    UsageSource Source,
    string? Priority = null)
{
    /// <summary>Unique per request, time-ordered; the ledger keeps one row per id.</summary>
    public Guid Id { get; init; } = Guid.CreateVersion7();
}
