using Tokengate.OpenAI;

namespace Tokengate.Accounting;

/// <summary>
/// One request's entry in the usage ledger. <c>Operation</c> (what was called) and <c>Rejected</c> (refused by the
/// consumer's rate limits or budgets before any backend) are for metrics only, not ledger columns.
/// </summary>
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
    string? Priority = null,
    OpenAIOperation Operation = OpenAIOperation.ChatCompletions,
    bool Rejected = false);
