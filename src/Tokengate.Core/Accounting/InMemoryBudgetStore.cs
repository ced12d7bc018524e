using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Accounting;

/// <summary>
/// Budget spend of a single gateway instance, in memory (seeded from the ledger at start by <see cref="BudgetSeeder"/>).
/// One lock makes an admission atomic across the budgets it applies; it is held only for a few sums, never across an
/// await. <see cref="RedisBudgetStore"/> also uses one as its local fallback, with every amount divided by the
/// instance count and no alerts of its own.
/// </summary>
/// <param name="time">The clock that decides the periods.</param>
/// <param name="alerts">Where crossed thresholds go; null for a fallback store, whose thresholds would be of a share.</param>
/// <param name="share">Each amount is divided by this (1 unless this is an instance's share of a fleet's budget).</param>
internal sealed class InMemoryBudgetStore(TimeProvider time, BudgetAlertQueue? alerts, int share = 1) : IBudgetStore
{
    private readonly BudgetStateTable _states = new();
    private readonly Lock _lock = new();

    /// <summary>Never raised: this instance's memory is the only copy, seeded once at start.</summary>
    public event Action? SeedNeeded
    {
        add { }
        remove { }
    }

    public ValueTask<BudgetAdmission> AdmitAsync(Consumer consumer, BudgetsOptions options, decimal estimatedCost, long estimatedTokens, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Admit(consumer, options, estimatedCost, estimatedTokens));

    public ValueTask SettleAsync(BudgetAdmission admission, decimal cost, long tokens, CancellationToken cancellationToken)
    {
        Settle(admission, cost, tokens);
        return ValueTask.CompletedTask;
    }

    public ValueTask SeedAsync(IReadOnlyList<BudgetSeed> seeds, CancellationToken cancellationToken)
    {
        foreach (var seed in seeds) Seed(seed.Scope, seed.Name, seed.Budget, seed.Spent, seed.Fired);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<BudgetState> Describe()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var list = new List<BudgetState>();
            foreach (var state in _states.All)
            {
                state.Roll(BudgetCatalog.PeriodStart(state.Options.Period, now));
                list.Add(state.Snapshot());
            }
            return list;
        }
    }

    public BudgetAdmission Admit(Consumer consumer, BudgetsOptions options, decimal estimatedCost, long estimatedTokens)
    {
        if (!BudgetCatalog.AppliesTo(consumer, options)) return BudgetAdmission.None;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var budgets = _states.Applicable(consumer, options, now);
            BudgetState? throttling = null;
            foreach (var state in budgets)
            {
                var budget = state.Options;
                if (state.Spent + state.Reserved < budget.Amount / share) continue;
                if (budget.OverBudget == BudgetAction.Block) return new BudgetAdmission([], state, BudgetCatalog.NextPeriod(budget.Period, state.PeriodStart));
                if (throttling is null || budget.ThrottleRequestsPerMinute < throttling.Options.ThrottleRequestsPerMinute) throttling = state;
            }

            var holds = new BudgetHold[budgets.Count];
            for (var i = 0; i < budgets.Count; i++)
            {
                var state = budgets[i];
                var amount = state.Options.Unit == BudgetUnit.Usd ? estimatedCost : estimatedTokens;
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
                state.Roll(BudgetCatalog.PeriodStart(budget.Period, now));
                if (state.PeriodStart == hold.PeriodStart) state.Reserved = Math.Max(0, state.Reserved - hold.Amount);
                state.Spent += budget.Unit == BudgetUnit.Usd ? cost : tokens;
                if (alerts is null) continue;
                foreach (var percent in budget.Thresholds)
                {
                    if (state.Spent * 100 >= budget.Amount * percent && state.Fired.Add(percent))
                        alerts.Enqueue(new BudgetAlert(state.Key, state.Label, budget.Period, state.PeriodStart, percent, budget.Amount, state.Spent, budget.Unit, now));
                }
            }
        }
    }

    /// <summary>Sets a budget's spend in the current period and adds the thresholds already fired.</summary>
    public void Seed(string scope, string name, BudgetOptions budget, decimal spent, IEnumerable<int> fired)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var state = _states.Get(scope, name, budget, now);
            state.Spent = spent;
            state.Fired.UnionWith(fired);
        }
    }
}
