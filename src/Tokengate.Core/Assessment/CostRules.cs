using System.Globalization;
using Tokengate.Accounting;
using Tokengate.Configuration;
using static Tokengate.Assessment.AssessmentFinding;

namespace Tokengate.Assessment;

/// <summary>Rules for the cost model, response caps, budgets and the ledger.</summary>
internal static class CostRules
{
    public static IEnumerable<AssessmentRule> All { get; } =
    [
        new("price-table", "Every model the pools serve has a price (configured or built in), so each request's cost is known.", PriceTableCoverage),
        new("max-tokens-cap", "A max-tokens cap applies to responses: by default, per deployment or per consumer/group.", MaxTokensCap),
        new("budgets", "Budgets exist for consumers or groups, and their alerts reach a webhook.", Budgets),
        new("ledger-retention", "The usage ledger is kept at least as long as the longest budget period (and a billing month).", LedgerRetention),
    ];

    private static IReadOnlyList<AssessmentFinding> PriceTableCoverage(AssessmentInput input)
    {
        var unpriced = new List<string>();
        foreach (var (pool, options) in input.Gateway.Pools)
        {
            foreach (var model in options.Backends.Select(b => b.Model ?? pool).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (ReferenceEquals(PriceTable.For(pool, model, input.Gateway.Accounting), PriceTable.Free)) unpriced.Add($"{pool} ({model})");
            }
        }
        return unpriced.Count == 0
            ? [Pass("every served model has a price", $"Tokengate:Accounting:Prices: {input.Gateway.Accounting.Prices.Count} configured, the rest built in")]
            : [Warn("some models have no price: their cost is recorded as 0", $"no price for [{string.Join(", ", unpriced)}]",
                "add Tokengate:Accounting:Prices entries for them (per 1M input/output tokens)")];
    }

    private static IReadOnlyList<AssessmentFinding> MaxTokensCap(AssessmentInput input)
    {
        var limits = input.Gateway.Limits;
        if (limits.Default.MaxTokens?.Cap is { } cap)
            return [Pass("every response is capped by default", $"Tokengate:Limits:Default:MaxTokens:Cap = {cap.ToString(CultureInfo.InvariantCulture)}")];
        var capped = limits.Deployments.Where(d => d.Value.Cap is not null).Select(d => d.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var uncappedPools = input.Gateway.Pools.Keys.Where(p => !capped.Contains(p)).ToList();
        if (capped.Count > 0 && uncappedPools.Count == 0)
            return [Pass("every deployment caps its responses", $"Tokengate:Limits:Deployments:*:Cap set for [{string.Join(", ", capped)}]")];
        var consumers = limits.Consumers.Where(c => c.Value.MaxTokens?.Cap is not null).Select(c => c.Key)
            .Concat(limits.Groups.Where(g => g.Value.MaxTokens?.Cap is not null).Select(g => "group " + g.Key)).ToList();
        if (capped.Count == 0 && consumers.Count == 0)
            return [Warn("no consumer has a max-tokens cap", "Tokengate:Limits:Default:MaxTokens not set; no deployment, consumer or group cap",
                "set Tokengate:Limits:Default:MaxTokens:Cap (e.g. 4096) and Default, or caps per deployment in Tokengate:Limits:Deployments")];
        return [Warn("only some consumers or deployments have a max-tokens cap",
            $"capped: [{string.Join(", ", capped.Concat(consumers))}]; uncapped pools: [{string.Join(", ", uncappedPools)}]; Tokengate:Limits:Default:MaxTokens not set",
            "set Tokengate:Limits:Default:MaxTokens:Cap so every other consumer is capped too")];
    }

    private static IReadOnlyList<AssessmentFinding> Budgets(AssessmentInput input)
    {
        var budgets = input.Gateway.Budgets;
        var count = budgets.Consumers.Values.Concat(budgets.Groups.Values).Sum(l => l.Count);
        if (count == 0)
            return [Warn("no budgets: spend has no alert and no stop", "Tokengate:Budgets: no Consumers or Groups budgets",
                "add monthly budgets per consumer or group in Tokengate:Budgets (Amount, AlertPercents, OverBudget) and a WebhookUrl")];
        var evidence = $"Tokengate:Budgets: {count} budgets for {budgets.Consumers.Count} consumers and {budgets.Groups.Count} groups; WebhookUrl {(budgets.WebhookUrl is null ? "not set" : "set")}";
        return string.IsNullOrWhiteSpace(budgets.WebhookUrl)
            ? [Warn("budget alerts are not sent anywhere", evidence, "set Tokengate:Budgets:WebhookUrl")]
            : [Pass("budgets with alerts to a webhook", evidence)];
    }

    private static IReadOnlyList<AssessmentFinding> LedgerRetention(AssessmentInput input)
    {
        var retention = input.Gateway.Accounting.LedgerRetention;
        var budgets = input.Gateway.Budgets;
        var longest = budgets.Consumers.Values.Concat(budgets.Groups.Values).SelectMany(l => l)
            .Select(b => b.Period == BudgetPeriod.Monthly ? TimeSpan.FromDays(31) : TimeSpan.FromDays(1))
            .DefaultIfEmpty(TimeSpan.FromDays(31)).Max();
        var evidence = $"Tokengate:Accounting:LedgerRetention = {retention.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} days; longest budget period {longest.TotalDays.ToString(CultureInfo.InvariantCulture)} days";
        return retention < longest
            ? [Fail("ledger retention shorter than the budget period", evidence,
                $"set Tokengate:Accounting:LedgerRetention to at least {longest.TotalDays.ToString(CultureInfo.InvariantCulture)}.00:00:00 (the default is 400 days)")]
            : [Pass("the ledger outlives every budget period", evidence)];
    }
}
