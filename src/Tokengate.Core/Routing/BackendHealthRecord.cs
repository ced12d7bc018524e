namespace Tokengate.Routing;

/// <summary>A backend's health at one moment.</summary>
/// <param name="CoolingUntil">End of the current cooldown, if cooling.</param>
/// <param name="CircuitOpenUntil">End of the open circuit, if open (half-open once passed).</param>
/// <param name="ConsecutiveFailures">Failures since the last success.</param>
/// <param name="UtilizationPercent">The last utilization reading, if any.</param>
internal sealed record BackendHealthRecord(
    DateTimeOffset? CoolingUntil,
    DateTimeOffset? CircuitOpenUntil,
    int ConsecutiveFailures,
    double? UtilizationPercent);
