using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Accounting;

/// <summary>The budgets a store has met, by key. Not thread-safe: the owning store locks around every call.</summary>
internal sealed class BudgetStateTable
{
    private readonly Dictionary<string, BudgetState> _states = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<BudgetState> All => _states.Values;

    /// <summary>The consumer's own budgets, then its group's, each rolled to the period of <paramref name="now"/>.</summary>
    public List<BudgetState> Applicable(Consumer consumer, BudgetsOptions options, DateTimeOffset now)
    {
        var result = new List<BudgetState>(2);
        if (options.Consumers.TryGetValue(consumer.Name, out var own))
            foreach (var b in own) result.Add(Get("consumer", consumer.Name, b, now));
        if (consumer.Group is { } group && options.Groups.TryGetValue(group, out var shared))
            foreach (var b in shared) result.Add(Get("group", group, b, now));
        return result;
    }

    /// <summary>The budget's state (created on first use, options refreshed), rolled to the period of <paramref name="now"/>.</summary>
    public BudgetState Get(string scope, string name, BudgetOptions budget, DateTimeOffset now)
    {
        var key = BudgetCatalog.Key(scope, name, budget);
        if (!_states.TryGetValue(key, out var state)) _states[key] = state = new BudgetState(scope, name, budget);
        state.Options = budget;
        state.Roll(BudgetCatalog.PeriodStart(budget.Period, now));
        return state;
    }
}
