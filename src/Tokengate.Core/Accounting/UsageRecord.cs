namespace Tokengate.Accounting;

/// <summary>One request's entry in the usage ledger.</summary>
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
    string? Priority = null);
