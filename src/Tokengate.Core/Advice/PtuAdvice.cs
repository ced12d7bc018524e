namespace Tokengate.Advice;

/// <summary>
/// PAYG versus PTU for one deployment and model over the period. Token figures are weighted (output and cached
/// tokens by their weights); money is per month (the period's average minute times 43,800 minutes, 730 hours).
/// </summary>
internal sealed record PtuAdvice(
    string Deployment,
    string Model,
    long TokensPerMinutePerPtu,
    double Percentile,
    double PercentileMinuteTokens,
    double PeakMinuteTokens,
    double AverageMinuteTokens,
    int RequiredPtus,
    long CapacityTokensPerMinute,
    double AverageUtilization,
    double SpilloverMinutesPercent,
    decimal PaygMonthlyUsd,
    IReadOnlyList<PtuOption> Options,
    PtuBilling BestBilling,
    decimal SavingMonthlyUsd,
    double SavingPercent,
    PtuRecommendation Recommendation,
    string Reason);
