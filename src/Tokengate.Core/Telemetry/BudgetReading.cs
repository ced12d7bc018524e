namespace Tokengate.Telemetry;

/// <summary>One budget's consumption in its current period.</summary>
internal sealed record BudgetReading(string Key, string Label, string Unit, decimal Amount, decimal Spent, DateTimeOffset PeriodStart)
{
    public double ConsumedRatio => Amount <= 0 ? 0 : (double)(Spent / Amount);
}
