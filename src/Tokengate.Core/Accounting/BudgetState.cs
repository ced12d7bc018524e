using Tokengate.Configuration;

namespace Tokengate.Accounting;

/// <summary>Mutable spend of one budget in its current period. Guarded by <see cref="BudgetTracker"/>'s lock.</summary>
internal sealed class BudgetState(string key, string label, BudgetOptions options)
{
    public string Key { get; } = key;

    /// <summary>How messages name it, e.g. <c>daily budget of consumer 'alice' (10 USD)</c>.</summary>
    public string Label { get; } = label;

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
}
