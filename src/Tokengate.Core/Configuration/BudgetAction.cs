namespace Tokengate.Configuration;

/// <summary>What happens to requests once a budget is spent.</summary>
public enum BudgetAction
{
    /// <summary>429 naming the budget and when it resets.</summary>
    Block,

    /// <summary>Requests continue at <see cref="BudgetOptions.ThrottleRequestsPerMinute"/>.</summary>
    Throttle,
}
