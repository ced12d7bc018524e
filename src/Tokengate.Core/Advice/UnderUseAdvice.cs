namespace Tokengate.Advice;

/// <summary>
/// How much of a provisioned backend's capacity went unused over the period: utilization overall, by hour of day and
/// by day of week, the idle weighted tokens, the money they cost per month, and the hours that could take more work.
/// </summary>
internal sealed record UnderUseAdvice(
    string Backend,
    string Model,
    int Ptus,
    long CapacityTokensPerMinute,
    double Utilization,
    double IdleTokens,
    PtuBilling Billing,
    decimal PtuMonthlyUsd,
    decimal IdleMonthlyUsd,
    IReadOnlyList<UtilizationBucket> ByHourOfDay,
    IReadOnlyList<UtilizationBucket> ByDayOfWeek,
    IReadOnlyList<int> IdleHours,
    string Suggestion);
