namespace Tokengate.Accounting;

/// <summary>One line of a usage report.</summary>
internal sealed record UsageRow(string? Key, string? Period, long Requests, long PromptTokens, long CachedTokens, long CompletionTokens, decimal CostUsd)
{
    public long TotalTokens => PromptTokens + CompletionTokens;
}
