using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Logging;

namespace Tokengate.Settings;

/// <summary>
/// A consumer's or group's own policy as it is in force (every source merged), and where each part comes from, so the
/// console can show file-owned parts read-only with the file that holds them.
/// </summary>
internal sealed class PolicyView(GatewayConfiguration configuration, RequestLogPolicies logging, ManagedSettings settings, IBudgetStore budgets)
{
    public object Policy(bool consumer, string name)
    {
        var options = configuration.Current.Options;
        return new
        {
            scopes = Pick(consumer ? options.Access.Consumers : options.Access.Groups, name),
            allowedIpRanges = consumer ? IpRanges(options, name) : null,
            limits = Pick(consumer ? options.Limits.Consumers : options.Limits.Groups, name),
            budgets = Budgets(consumer, name),
            logging = Pick(consumer ? logging.Current.Consumers : logging.Current.Groups, name),
            screening = Pick(consumer ? options.Screening.Consumers : options.Screening.Groups, name),
        };
    }

    /// <summary>Part name → <c>managed</c>, the owning source (a file name, <c>environment</c>, ...), or null when nothing sets it.</summary>
    public Dictionary<string, string?> Sources(bool consumer, string name) =>
        PolicyParts.Shown(consumer).ToDictionary(part => part, part => settings.SourceOf(PolicyParts.OwnedBy(part, consumer, name)));

    /// <summary>Every budget in force, as the budgets endpoint lists them.</summary>
    public IEnumerable<BudgetView> AllBudgets()
    {
        var options = configuration.Current.Options.Budgets;
        foreach (var name in options.Consumers.Keys.Order(StringComparer.OrdinalIgnoreCase))
            foreach (var view in Budgets(true, name)) yield return view;
        foreach (var name in options.Groups.Keys.Order(StringComparer.OrdinalIgnoreCase))
            foreach (var view in Budgets(false, name)) yield return view;
    }

    public IReadOnlyList<BudgetView> Budgets(bool consumer, string name)
    {
        var options = configuration.Current.Options.Budgets;
        if (!(consumer ? options.Consumers : options.Groups).TryGetValue(name, out var list)) return [];
        var scope = consumer ? "consumer" : "group";
        var source = settings.SourceOf(PolicyParts.OwnedBy(PolicyParts.Budgets, consumer, name));
        var states = budgets.Describe().ToDictionary(b => b.Key, StringComparer.OrdinalIgnoreCase);
        return [.. list.Select(b =>
        {
            decimal? spent = states.TryGetValue(BudgetCatalog.Key(scope, name, b), out var state) ? state.Spent : null;
            return new BudgetView(scope, name, b.Period, b.Unit, b.Amount, b.Thresholds, b.OverBudget, b.ThrottleRequestsPerMinute, source, spent,
                spent is { } value && b.Amount > 0 ? Math.Round(value * 100 / b.Amount, 2) : null);
        })];
    }

    private static IReadOnlyList<string>? IpRanges(GatewayOptions options, string name)
    {
        if (options.Consumers.TryGetValue(name, out var own) && own.AllowedIpRanges.Count > 0) return own.AllowedIpRanges;
        return options.Network.Consumers.TryGetValue(name, out var managed) && managed.AllowedIpRanges.Count > 0 ? managed.AllowedIpRanges : null;
    }

    private static object? Pick<T>(Dictionary<string, T> entries, string name) => entries.TryGetValue(name, out var value) ? value : null;
}
