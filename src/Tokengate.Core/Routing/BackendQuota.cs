namespace Tokengate.Routing;

/// <summary>
/// A backend's quota as the gateway believes it is now: its last rate-limit headers, refreshed by age and lowered by
/// what the gateway sent since. Null values are unknown (no headers yet, or a backend that sends none).
/// </summary>
internal readonly record struct BackendQuota(long? RemainingTokens, long? LimitTokens, long? RemainingRequests, long? LimitRequests)
{
    public static BackendQuota Unknown => default;

    /// <summary>False only when the backend is known not to have room for one more request of this many tokens.</summary>
    public bool Fits(long estimatedTokens) =>
        (RemainingTokens is not { } tokens || tokens >= estimatedTokens) && (RemainingRequests is not { } requests || requests >= 1);

    /// <summary>The smaller of the remaining token and request fractions, 0 to 1; 1 when unknown.</summary>
    public double RemainingFraction => Math.Min(Fraction(RemainingTokens, LimitTokens), Fraction(RemainingRequests, LimitRequests));

    private static double Fraction(long? remaining, long? limit) =>
        remaining is { } r && limit is { } l && l > 0 ? Math.Clamp((double)r / l, 0, 1) : 1;
}
