namespace Tokengate.Accounting;

/// <summary>A model's price in USD per 1M tokens.</summary>
internal sealed record ModelPrice(decimal Input, decimal CachedInput, decimal Output)
{
    private const decimal PerMillion = 1_000_000m;

    public decimal Cost(long promptTokens, long cachedTokens, long completionTokens)
    {
        var cached = Math.Clamp(cachedTokens, 0, promptTokens);
        return (((promptTokens - cached) * Input) + (cached * CachedInput) + (completionTokens * Output)) / PerMillion;
    }
}
