using System.Globalization;
using Tokengate.Accounting;
using Tokengate.Configuration;

namespace Tokengate.Advice;

/// <summary>
/// Prompt caching per consumer and deployment: hit rate = cached / prompt tokens. Large prompts (at least the service's
/// caching minimum) that hardly hit the cache are reported with the money at stake, uncached input × (input price −
/// cached input price), per month.
/// </summary>
internal static class PromptCaching
{
    public static List<CachingAdvice> Analyze(IReadOnlyList<UsageShape> shapes, long periodMinutes, AdviceOptions options, AccountingOptions accounting)
    {
        var result = new List<CachingAdvice>();
        foreach (var s in shapes.Where(s => s.Requests >= options.CachingMinimumRequests && s.PromptTokens > 0)
            .OrderBy(s => s.Consumer, StringComparer.Ordinal).ThenBy(s => s.Deployment, StringComparer.Ordinal).ThenBy(s => s.Model, StringComparer.Ordinal))
        {
            var cached = Math.Clamp(s.CachedTokens, 0, s.PromptTokens);
            var hitRate = Math.Round((double)cached / s.PromptTokens, 4);
            var price = PriceTable.For(s.Deployment, s.Model, accounting);
            var atStake = PtuSizing.Monthly((s.PromptTokens - cached) * Math.Max(0, price.Input - price.CachedInput) / 1_000_000m, periodMinutes);
            var low = s.MeanPrompt >= options.CachingMinimumPromptTokens && hitRate * 100 < options.CachingLowHitRatePercent;
            var advice = low
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{PtuSizing.Percent(hitRate)} of prompt tokens cached on prompts of {s.MeanPrompt:N0} tokens on average: put the stable part of the prompt first (system prompt, tools, examples) and the varying part last, so prefix caching applies. Up to ${atStake:N2}/month at stake.")
                : s.MeanPrompt < options.CachingMinimumPromptTokens
                    ? string.Create(CultureInfo.InvariantCulture, $"prompts of {s.MeanPrompt:N0} tokens on average, below the {options.CachingMinimumPromptTokens:N0} the service caches.")
                    : string.Create(CultureInfo.InvariantCulture, $"{PtuSizing.Percent(hitRate)} of prompt tokens cached.");
            result.Add(new CachingAdvice(s.Consumer, s.Deployment, s.Model, s.Requests, Math.Round(s.MeanPrompt, 1), hitRate, atStake, low, advice));
        }
        return result;
    }
}
