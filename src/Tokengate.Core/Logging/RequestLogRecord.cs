namespace Tokengate.Logging;

/// <summary>One request's metadata as the usage ledger keeps it (the source of <c>GET /admin/requests</c>).</summary>
internal sealed record RequestLogRecord(
    Guid? Id,
    DateTimeOffset At,
    string Consumer,
    string? Group,
    string Deployment,
    string? Pool,
    string? Backend,
    string? Model,
    string? Operation,
    int Status,
    bool Stream,
    double DurationMs,
    double? TimeToFirstTokenMs,
    long PromptTokens,
    long CachedTokens,
    long CompletionTokens,
    decimal CostUsd,
    string? Priority,
    string? ServiceTier,
    string? Screening,
    bool ScreenedOut,
    string? BatchId)
{
    public RequestLogOutcome Outcome => ScreenedOut ? RequestLogOutcome.Screened
        : Status < 400 ? RequestLogOutcome.Success
        : Status == 429 ? RequestLogOutcome.Throttled
        : RequestLogOutcome.Error;
}
