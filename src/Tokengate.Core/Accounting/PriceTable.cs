using Tokengate.Configuration;

namespace Tokengate.Accounting;

/// <summary>
/// Prices by model name: the longest configured prefix wins, then the longest built-in one. The built-in values are
/// the Global Standard pay-as-you-go list prices of protocol reference §11, as republished 2025–2026: configurable
/// defaults to re-check before billing use. An unknown model costs 0 (its tokens are still counted).
/// </summary>
internal static class PriceTable
{
    public static readonly ModelPrice Free = new(0, 0, 0);

    private static readonly (string Prefix, ModelPrice Price)[] Defaults =
    [
        ("gpt-4o-mini", new(0.15m, 0.075m, 0.60m)),
        ("gpt-4o", new(2.50m, 1.25m, 10.00m)),
        ("gpt-4.1-nano", new(0.10m, 0.025m, 0.40m)),
        ("gpt-4.1-mini", new(0.40m, 0.10m, 1.60m)),
        ("gpt-4.1", new(2.00m, 0.50m, 8.00m)),
        ("text-embedding-3-small", new(0.02m, 0.02m, 0m)),
        ("text-embedding-3-large", new(0.13m, 0.13m, 0m)),
        ("text-embedding-ada-002", new(0.10m, 0.10m, 0m)),
    ];

    public static ModelPrice For(string? model, AccountingOptions options)
    {
        if (string.IsNullOrEmpty(model)) return Free;
        ModelPrice? best = null;
        var bestLength = -1;
        foreach (var (prefix, price) in options.Prices)
        {
            if (prefix.Length > bestLength && model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = new ModelPrice(price.Input, price.CachedInput ?? price.Input, price.Output);
                bestLength = prefix.Length;
            }
        }
        if (best is not null) return best;
        foreach (var (prefix, price) in Defaults)
        {
            if (prefix.Length > bestLength && model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = price;
                bestLength = prefix.Length;
            }
        }
        return best ?? Free;
    }
}
