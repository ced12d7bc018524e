namespace Tokengate.Advice;

/// <summary>The ledger's sums for one minute (UTC) of one deployment, backend and model.</summary>
internal sealed record MinuteUsage(DateTime Minute, long PromptTokens, long CachedTokens, long CompletionTokens, decimal CostUsd)
{
    /// <summary>Tokens as they count against PTU capacity: uncached input, cached input and output, each by its weight.</summary>
    public double Weighted(PtuModelOptions ptu) =>
        (PromptTokens - CachedTokens) + CachedTokens * ptu.CachedTokenWeight + CompletionTokens * ptu.OutputTokenWeight;
}
