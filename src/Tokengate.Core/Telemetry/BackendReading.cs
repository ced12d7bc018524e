namespace Tokengate.Telemetry;

/// <summary>One backend's capacity position now: consumption in the last minute against what it reported.</summary>
internal sealed record BackendReading(
    string Backend,
    string Pool,
    long TokensPerMinute,
    long RequestsPerMinute,
    long? LimitTokens,
    long? RemainingTokens,
    long? LimitRequests,
    long? RemainingRequests,
    double? UtilizationPercent,
    bool Cooling,
    string CircuitState)
{
    /// <summary>Remaining tokens as a percentage of the reported limit.</summary>
    public double? RemainingTokensPercent => LimitTokens > 0 && RemainingTokens is { } r ? 100.0 * r / LimitTokens.Value : null;
}
