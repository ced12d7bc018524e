namespace Tokengate.Configuration;

/// <summary>One budget: an amount per period, alerts on the way, and what happens when it is spent.</summary>
public sealed class BudgetOptions
{
    /// <summary><see cref="BudgetPeriod.Daily"/> or <see cref="BudgetPeriod.Monthly"/> (UTC). Default Monthly.</summary>
    public BudgetPeriod Period { get; set; } = BudgetPeriod.Monthly;

    /// <summary>The amount, in <see cref="Unit"/>. Required, positive.</summary>
    public decimal Amount { get; set; }

    /// <summary><see cref="BudgetUnit.Usd"/> (cost from the price table) or <see cref="BudgetUnit.Tokens"/>. Default Usd.</summary>
    public BudgetUnit Unit { get; set; } = BudgetUnit.Usd;

    /// <summary>
    /// Percentages of the amount at which an alert fires, once per period each. Default (empty): 80. (Empty rather
    /// than [80] because configuration binding appends to a list's initial items.)
    /// </summary>
    public List<int> AlertPercents { get; set; } = [];

    /// <summary>The alert thresholds in force.</summary>
    internal IReadOnlyList<int> Thresholds => AlertPercents.Count == 0 ? DefaultThresholds : AlertPercents;

    private static readonly int[] DefaultThresholds = [80];

    /// <summary>What happens once the amount is spent. Default <see cref="BudgetAction.Block"/>.</summary>
    public BudgetAction OverBudget { get; set; } = BudgetAction.Block;

    /// <summary>With <see cref="BudgetAction.Throttle"/>: requests per minute still allowed. Default 1.</summary>
    public int ThrottleRequestsPerMinute { get; set; } = 1;
}
