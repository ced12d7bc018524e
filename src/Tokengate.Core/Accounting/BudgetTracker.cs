using System.Globalization;
using System.Threading.Channels;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Accounting;

/// <summary>
/// Spend per budget and period, in memory (seeded from the ledger at start by <see cref="BudgetSeeder"/>). A request
/// is admitted while spent plus reserved is below the amount, and reserves its estimated cost until it settles to
/// the actual one; so the last admitted request may cross the amount by at most its own cost, and a budget stops at
/// its amount within one request. Threshold alerts go to a queue that <see cref="BudgetAlertSender"/> drains.
/// </summary>
internal sealed class BudgetTracker(TimeProvider time)
{
    private readonly Dictionary<string, BudgetState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private readonly Channel<BudgetAlert> _alerts = Channel.CreateUnbounded<BudgetAlert>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<BudgetAlert> Alerts => _alerts.Reader;

    public BudgetAdmission Admit(Consumer consumer, BudgetsOptions options, decimal estimatedCost, long estimatedTokens)
    {
        var budgets = Applicable(consumer, options);
        if (budgets.Count == 0) return BudgetAdmission.None;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            BudgetState? throttling = null;
            foreach (var (state, budget) in budgets)
            {
                state.Roll(PeriodStart(budget.Period, now));
                if (state.Spent + state.Reserved < budget.Amount) continue;
                if (budget.OverBudget == BudgetAction.Block) return new BudgetAdmission([], state, NextPeriod(budget.Period, state.PeriodStart));
                if (throttling is null || budget.ThrottleRequestsPerMinute < throttling.Options.ThrottleRequestsPerMinute) throttling = state;
            }

            var holds = new BudgetHold[budgets.Count];
            for (var i = 0; i < budgets.Count; i++)
            {
                var (state, budget) = budgets[i];
                var amount = budget.Unit == BudgetUnit.Usd ? estimatedCost : estimatedTokens;
                state.Reserved += amount;
                holds[i] = new BudgetHold(state, state.PeriodStart, amount);
            }
            return new BudgetAdmission(holds, Throttling: throttling);
        }
    }

    public void Settle(BudgetAdmission admission, decimal cost, long tokens)
    {
        if (admission.Holds.Count == 0) return;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            foreach (var hold in admission.Holds)
            {
                var state = hold.Budget;
                var budget = state.Options;
                state.Roll(PeriodStart(budget.Period, now));
                if (state.PeriodStart == hold.PeriodStart) state.Reserved = Math.Max(0, state.Reserved - hold.Amount);
                state.Spent += budget.Unit == BudgetUnit.Usd ? cost : tokens;
                foreach (var percent in budget.Thresholds)
                {
                    if (state.Spent * 100 >= budget.Amount * percent && state.Fired.Add(percent))
                        _alerts.Writer.TryWrite(new BudgetAlert(state.Key, state.Label, budget.Period, state.PeriodStart, percent, budget.Amount, state.Spent, budget.Unit, now));
                }
            }
        }
    }

    /// <summary>Every budget seen so far with its spend in the current period, for metrics and the dashboard.</summary>
    public IReadOnlyList<BudgetState> Describe()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var list = new List<BudgetState>(_states.Count);
            foreach (var state in _states.Values)
            {
                state.Roll(PeriodStart(state.Options.Period, now));
                list.Add(state);
            }
            return list;
        }
    }

    /// <summary>Sets a budget's spend in the current period (from the ledger) and the thresholds already fired.</summary>
    public void Seed(string scope, string name, BudgetOptions budget, decimal spent, IEnumerable<int> fired)
    {
        lock (_lock)
        {
            var state = State(scope, name, budget);
            state.Roll(PeriodStart(budget.Period, time.GetUtcNow()));
            state.Spent = spent;
            state.Fired.UnionWith(fired);
        }
    }

    /// <summary>Every configured budget with its key and label, for seeding and reports.</summary>
    public static IEnumerable<(string Key, string Scope, string Name, BudgetOptions Budget)> Configured(BudgetsOptions options)
    {
        foreach (var (name, list) in options.Consumers)
            foreach (var budget in list) yield return (Key("consumer", name, budget), "consumer", name, budget);
        foreach (var (name, list) in options.Groups)
            foreach (var budget in list) yield return (Key("group", name, budget), "group", name, budget);
    }

    public static DateTimeOffset PeriodStart(BudgetPeriod period, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return period == BudgetPeriod.Daily
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public static DateTimeOffset NextPeriod(BudgetPeriod period, DateTimeOffset start) =>
        period == BudgetPeriod.Daily ? start.AddDays(1) : start.AddMonths(1);

    private List<(BudgetState State, BudgetOptions Budget)> Applicable(Consumer consumer, BudgetsOptions options)
    {
        var result = new List<(BudgetState, BudgetOptions)>();
        if (options.Consumers.Count == 0 && options.Groups.Count == 0) return result;
        lock (_lock)
        {
            if (options.Consumers.TryGetValue(consumer.Name, out var own))
                foreach (var b in own) result.Add((State("consumer", consumer.Name, b), b));
            if (consumer.Group is { } group && options.Groups.TryGetValue(group, out var shared))
                foreach (var b in shared) result.Add((State("group", group, b), b));
        }
        return result;
    }

    private BudgetState State(string scope, string name, BudgetOptions budget)
    {
        var key = Key(scope, name, budget);
        if (!_states.TryGetValue(key, out var state)) _states[key] = state = new BudgetState(key, Label(scope, name, budget), budget);
        state.Options = budget;
        return state;
    }

    private static string Key(string scope, string name, BudgetOptions b) => $"{scope}:{name}:{b.Period}:{b.Unit}".ToLowerInvariant();

    private static string Label(string scope, string name, BudgetOptions b) => string.Create(CultureInfo.InvariantCulture,
        $"{b.Period.ToString().ToLowerInvariant()} budget of {scope} '{name}' ({b.Amount} {(b.Unit == BudgetUnit.Usd ? "USD" : "tokens")})");
}
