namespace Tokengate.Accounting;

/// <summary>Tokens one request used.</summary>
/// <param name="PromptTokens">Prompt tokens of every modality, cached ones included.</param>
/// <param name="CachedTokens">Prompt tokens served from the prompt cache (billed at the cached price).</param>
/// <param name="CompletionTokens">Completion tokens of every modality, reasoning included.</param>
/// <param name="Source">Where the figures come from.</param>
internal readonly record struct UsageCounts(long PromptTokens, long CachedTokens, long CompletionTokens, UsageSource Source)
{
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Audio and image tokens within the totals, and the units media models are billed in.</summary>
    public MediaUsage Media { get; init; }

    /// <summary>The <c>service_tier</c> the answer says served the request (null: it named none).</summary>
    public string? ServiceTier { get; init; }
}
