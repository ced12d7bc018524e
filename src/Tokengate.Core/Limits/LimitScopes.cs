using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Limits;

/// <summary>The counters a consumer's request is charged to: its own (first, it drives the response headers), its group's, and a budget's throttle.</summary>
internal static class LimitScopes
{
    public static List<LimitScope> For(Consumer consumer, LimitsOptions limits, BudgetState? throttlingBudget)
    {
        var scopes = new List<LimitScope>(3);
        var own = limits.Consumers.TryGetValue(consumer.Name, out var rule) ? rule : limits.Default;
        var consumerScope = Scope($"consumer:{consumer.Name}", $"consumer '{consumer.Name}'", own);
        if (!consumerScope.IsUnlimited) scopes.Add(consumerScope);
        if (consumer.Group is { } group && limits.Groups.TryGetValue(group, out var groupRule))
        {
            var groupScope = Scope($"group:{group}", $"group '{group}'", groupRule);
            if (!groupScope.IsUnlimited) scopes.Add(groupScope);
        }
        if (throttlingBudget is not null)
        {
            scopes.Add(new LimitScope($"budget:{throttlingBudget.Key}", $"the spent {throttlingBudget.Label} (throttled)",
                null, throttlingBudget.Options.ThrottleRequestsPerMinute, null));
        }
        return scopes;
    }

    private static LimitScope Scope(string key, string label, LimitRuleOptions rule) =>
        new(key, label, rule.TokensPerMinute, rule.RequestsPerMinute, rule.ConcurrentRequests);
}
