namespace Tokengate.Advice;

/// <summary>One row of the per-minute profile: where the tokens went, and the minute's sums.</summary>
internal sealed record LedgerMinute(string Deployment, string? Backend, string? Model, MinuteUsage Usage);
