using Tokengate.Configuration;

namespace Tokengate.Settings;

/// <summary>One budget as the admin API lists it: its terms, where it is defined, and what was spent in its current period.</summary>
/// <param name="Scope"><c>consumer</c> or <c>group</c>.</param>
/// <param name="Name">The consumer's or group's name.</param>
/// <param name="Period">Daily or monthly (UTC).</param>
/// <param name="Unit">USD or tokens.</param>
/// <param name="Amount">The amount per period.</param>
/// <param name="AlertPercents">The alert thresholds in force.</param>
/// <param name="OverBudget">Block or throttle once spent.</param>
/// <param name="ThrottleRequestsPerMinute">Requests per minute still allowed when throttled.</param>
/// <param name="Source"><c>managed</c>, or the file or source that defines the budget.</param>
/// <param name="Spent">Spent in the current period, as this instance's budget store knows it; null before the store has met it.</param>
/// <param name="Percent">Spent as a percentage of the amount, two decimals.</param>
internal sealed record BudgetView(
    string Scope,
    string Name,
    BudgetPeriod Period,
    BudgetUnit Unit,
    decimal Amount,
    IReadOnlyList<int> AlertPercents,
    BudgetAction OverBudget,
    int ThrottleRequestsPerMinute,
    string? Source,
    decimal? Spent,
    decimal? Percent);
