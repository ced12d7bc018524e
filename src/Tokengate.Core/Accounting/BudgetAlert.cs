using Tokengate.Configuration;

namespace Tokengate.Accounting;

/// <summary>A budget crossed one of its alert thresholds in a period.</summary>
internal sealed record BudgetAlert(string BudgetKey, string Label, BudgetPeriod Period, DateTimeOffset PeriodStart, int ThresholdPercent, decimal Amount, decimal Spent, BudgetUnit Unit, DateTimeOffset At);
