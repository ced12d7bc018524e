using Tokengate.Configuration;

namespace Tokengate.Accounting;

/// <summary>A budget's spend in its current period as the ledger has it, and the alert thresholds already recorded.</summary>
internal sealed record BudgetSeed(string Scope, string Name, BudgetOptions Budget, decimal Spent, IReadOnlyCollection<int> Fired);
