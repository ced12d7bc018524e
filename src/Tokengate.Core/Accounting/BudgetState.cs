using Tokengate.Configuration;

namespace Tokengate.Accounting;

/// <summary>Mutable spend of one budget in its current period. Guarded by the lock of the store that owns it.</summary>
internal sealed class BudgetState(string scope, string name, BudgetOptions options)
{
    /// <summary><c>consumer</c> or <c>group</c>.</summary>
    public string Scope { get; } = scope;

    /// <summary>The consumer's or group's name.</summary>
    public string Name { get; } = name;

    public string Key { get; } = BudgetCatalog.Key(scope, name, options);

    /// <summary>How messages name it, e.g. <c>daily budget of consumer 'alice' (10 USD)</c>; follows a reloaded amount.</summary>
    public string Label => BudgetCatalog.Label(Scope, Name, Options);

    public BudgetOptions Options { get; set; } = options;

    public DateTimeOffset PeriodStart;
    public decimal Spent;
    public decimal Reserved;
    public HashSet<int> Fired { get; } = [];

    public void Roll(DateTimeOffset periodStart)
    {
        if (PeriodStart == periodStart) return;
        PeriodStart = periodStart;
        Spent = 0;
        Reserved = 0;
        Fired.Clear();
    }

    /// <summary>A copy for readers outside the owner's lock (metrics, the dashboard).</summary>
    public BudgetState Snapshot() => new(Scope, Name, Options) { PeriodStart = PeriodStart, Spent = Spent, Reserved = Reserved };
}
