namespace Tokengate.Advice;

/// <summary>
/// What one PTU of a model carries: a configured entry by longest model-name prefix, else the built-in one. The
/// built-in figures are Azure's published sizing parameters (learn.microsoft.com, "provisioned throughput sizing"),
/// defaults to re-check, as prices are.
/// </summary>
internal static class PtuThroughput
{
    private static readonly (string Prefix, long TokensPerMinute)[] Defaults =
    [
        ("gpt-4o-mini", 37_000),
        ("gpt-4o", 2_500),
        ("gpt-4.1-nano", 59_400),
        ("gpt-4.1-mini", 14_900),
        ("gpt-4.1", 3_000),
    ];

    /// <summary>The throughput of <paramref name="model"/>, or null when neither configuration nor the defaults know it.</summary>
    public static PtuModelOptions? For(string? model, AdviceOptions options)
    {
        if (string.IsNullOrEmpty(model)) return null;
        PtuModelOptions? best = null;
        var bestLength = -1;
        foreach (var (prefix, entry) in options.Models)
        {
            if (prefix.Length > bestLength && model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = entry;
                bestLength = prefix.Length;
            }
        }
        foreach (var (prefix, tpm) in Defaults)
        {
            if (prefix.Length > bestLength && model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = new PtuModelOptions { TokensPerMinutePerPtu = tpm };
                bestLength = prefix.Length;
            }
        }
        return best;
    }
}
