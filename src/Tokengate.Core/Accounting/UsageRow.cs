namespace Tokengate.Accounting;

/// <summary>One line of a usage report: the totals, and within them the audio and image tokens and the media units.</summary>
internal sealed record UsageRow(string? Key, string? Period, long Requests, long PromptTokens, long CachedTokens, long CompletionTokens, decimal CostUsd)
{
    public long TotalTokens => PromptTokens + CompletionTokens;

    public long AudioInputTokens { get; init; }
    public long ImageInputTokens { get; init; }
    public long AudioOutputTokens { get; init; }
    public long ImageOutputTokens { get; init; }
    public long Images { get; init; }
    public double AudioSeconds { get; init; }
    public long Characters { get; init; }
}
