using System.Globalization;

namespace Tokengate.Advice;

/// <summary>
/// Truncation per consumer and deployment (over its models): share = requests whose completion tokens reached the
/// recorded output bound (<c>completion_tokens ≥ max_output_tokens</c>) / requests with a recorded bound. Listed when
/// at least <see cref="AdviceOptions.CachingMinimumRequests"/> requests have a bound and the share is above
/// <see cref="AdviceOptions.TruncationPercent"/>. Rows without a recorded bound are not counted.
/// </summary>
internal static class Truncation
{
    public const string Advice = "raise max_tokens (or max_completion_tokens / max_output_tokens) for this consumer, or raise the max-tokens policy cap (Tokengate:Limits MaxTokens:Cap) if it is the gateway's own cap that cuts the answers";

    public static List<TruncationAdvice> Analyze(IReadOnlyList<UsageShape> shapes, AdviceOptions options)
    {
        var result = new List<TruncationAdvice>();
        foreach (var g in shapes.GroupBy(s => (s.Consumer, s.Deployment))
            .OrderBy(g => g.Key.Consumer, StringComparer.Ordinal).ThenBy(g => g.Key.Deployment, StringComparer.Ordinal))
        {
            var bounded = g.Sum(s => s.BoundedRequests);
            if (bounded < options.CachingMinimumRequests || bounded == 0) continue;
            var truncated = Math.Clamp(g.Sum(s => s.TruncatedRequests), 0, bounded);
            var share = Math.Round((double)truncated / bounded, 4);
            if (share * 100 <= options.TruncationPercent) continue;
            result.Add(new TruncationAdvice(g.Key.Consumer, g.Key.Deployment, g.Sum(s => s.Requests), bounded, truncated, share,
                string.Create(CultureInfo.InvariantCulture, $"{PtuSizing.Percent(share)} of {bounded:N0} answers reached their output bound (most likely cut off): {Advice}.")));
        }
        return result;
    }
}
