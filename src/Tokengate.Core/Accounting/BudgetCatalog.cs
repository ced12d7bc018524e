using System.Globalization;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Accounting;

/// <summary>Which budgets are configured and apply to a consumer, what they are called, and where their periods start.</summary>
internal static class BudgetCatalog
{
    /// <summary>True when the consumer or its group has a budget; checked before any store is asked, so consumers without one cost nothing.</summary>
    public static bool AppliesTo(Consumer consumer, BudgetsOptions options) =>
        (options.Consumers.Count > 0 && options.Consumers.ContainsKey(consumer.Name))
        || (options.Groups.Count > 0 && consumer.Group is { } group && options.Groups.ContainsKey(group));

    /// <summary>Every configured budget with its scope and name, for seeding and reports.</summary>
    public static IEnumerable<(string Scope, string Name, BudgetOptions Budget)> Configured(BudgetsOptions options)
    {
        foreach (var (name, list) in options.Consumers)
            foreach (var budget in list) yield return ("consumer", name, budget);
        foreach (var (name, list) in options.Groups)
            foreach (var budget in list) yield return ("group", name, budget);
    }

    /// <summary>The budget's identity across restarts and instances, e.g. <c>consumer:app:daily:usd</c>.</summary>
    public static string Key(string scope, string name, BudgetOptions budget) => $"{scope}:{name}:{budget.Period}:{budget.Unit}".ToLowerInvariant();

    /// <summary>How messages name it, e.g. <c>daily budget of consumer 'alice' (10 USD)</c>.</summary>
    public static string Label(string scope, string name, BudgetOptions budget) => string.Create(CultureInfo.InvariantCulture,
        $"{budget.Period.ToString().ToLowerInvariant()} budget of {scope} '{name}' ({budget.Amount} {(budget.Unit == BudgetUnit.Usd ? "USD" : "tokens")})");

    public static DateTimeOffset PeriodStart(BudgetPeriod period, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return period == BudgetPeriod.Daily
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public static DateTimeOffset NextPeriod(BudgetPeriod period, DateTimeOffset start) =>
        period == BudgetPeriod.Daily ? start.AddDays(1) : start.AddMonths(1);
}
