namespace Tokengate.Routing;

/// <summary>A backend's health at one moment.</summary>
/// <param name="CoolingUntil">End of the current cooldown, if cooling.</param>
/// <param name="CircuitOpenUntil">End of the open circuit, if open (half-open once passed).</param>
/// <param name="ThrottledUntil">End of the part of the rest a 429 asked for, if any.</param>
/// <param name="Recent">Attempt verdicts inside the breaker's sampling window.</param>
/// <param name="UtilizationPercent">The last utilization reading, if any.</param>
/// <param name="Quota">The quota the backend most likely has left now (see <see cref="BackendQuotaRecord.ProjectAt"/>).</param>
/// <param name="QuotaReadAt">When the backend last sent rate-limit headers, if ever.</param>
/// <param name="TokensPerMinute">Tokens the gateway sent the backend over the last minute (estimates, settled to actual usage).</param>
/// <param name="RequestsPerMinute">Requests the gateway sent the backend over the last minute.</param>
internal sealed record BackendHealthRecord(
    DateTimeOffset? CoolingUntil,
    DateTimeOffset? CircuitOpenUntil,
    DateTimeOffset? ThrottledUntil,
    AttemptCounts Recent,
    double? UtilizationPercent,
    BackendQuota Quota,
    DateTimeOffset? QuotaReadAt,
    long TokensPerMinute,
    long RequestsPerMinute);
