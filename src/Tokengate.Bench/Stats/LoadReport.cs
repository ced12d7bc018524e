namespace Tokengate.Bench.Stats;

/// <summary>
/// One line of the report: an aggregation interval (<see cref="Type"/> <c>interval</c>) or the whole measured run
/// (<c>summary</c>). Rates are per minute of the record's <see cref="WindowS"/>; counts are of requests that
/// finished within it. Distributions are null when nothing was recorded.
/// </summary>
internal sealed record LoadReport
{
    public required string Type { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Seconds since the run started, at the end of the window.</summary>
    public required double ElapsedS { get; init; }

    /// <summary>Length of the window the rates are computed over.</summary>
    public required double WindowS { get; init; }

    /// <summary>Whether the window is warm-up (not part of the summary).</summary>
    public required bool Warmup { get; init; }

    /// <summary>Requests started, retries not included.</summary>
    public required long Requests { get; init; }

    public required double SuccessfulRpm { get; init; }

    /// <summary>Requests started and not yet finished, at the end of the window.</summary>
    public required long InFlight { get; init; }

    /// <summary>Requests that finished with a successful response.</summary>
    public required long Completed { get; init; }

    /// <summary>Requests that finished without success for a reason other than throttling.</summary>
    public required long Failures { get; init; }

    /// <summary>429 responses, each retry's included.</summary>
    public required long Throttled { get; init; }

    public required double ContextTpm { get; init; }

    public required double GeneratedTpm { get; init; }

    public required DistributionRecord? TtftMs { get; init; }

    public required DistributionRecord? TbtMs { get; init; }

    public required DistributionRecord? E2eMs { get; init; }

    public required DistributionRecord? GeneratedTokens { get; init; }

    public required DistributionRecord? UtilizationPct { get; init; }
}
