using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Limits;

/// <summary>
/// The max-tokens policy in force for a consumer on a deployment: the lower of the consumer's (own entry, else its
/// group's, else the default) and the deployment's caps; the consumer's default and over-cap action first.
/// </summary>
internal readonly record struct MaxTokensPolicy(int? Default, int? Cap, MaxTokensAction OverCap)
{
    public static MaxTokensPolicy Resolve(LimitsOptions limits, Consumer consumer, string deployment)
    {
        var own = limits.Consumers.TryGetValue(consumer.Name, out var rule) ? rule.MaxTokens
            : consumer.Group is { } g && limits.Groups.TryGetValue(g, out var groupRule) && groupRule.MaxTokens is { } groupPolicy ? groupPolicy
            : limits.Default.MaxTokens;
        limits.Deployments.TryGetValue(deployment, out var pool);
        if (own is null && pool is null) return default;

        int? cap = (own?.Cap, pool?.Cap) switch
        {
            (int a, int b) => Math.Min(a, b),
            (int a, null) => a,
            (null, int b) => b,
            _ => null,
        };
        var action = own?.Cap is not null ? own.OverCap : pool?.OverCap ?? MaxTokensAction.Clamp;
        var fallback = own?.Default ?? pool?.Default;
        if (fallback > cap) fallback = cap;
        return new MaxTokensPolicy(fallback, cap, action);
    }
}
