namespace Tokengate.Routing;

/// <summary>
/// The lowest priority tier that has an available, untried backend wins; within it, a weighted random pick where each
/// backend's weight is scaled by the fraction of its quota left. A backend known not to have room for this request's
/// estimate is skipped while another in the tier has room (or does not report quota); when none has, the tier is
/// still used by weight, so its backends answer 429 and the failover loop moves on. Provisioned deployments usually
/// sit in tier 0 and pay-as-you-go ones in tier 1, so standard capacity is used only when provisioned capacity is
/// throttled, failing, or spilling.
/// </summary>
internal sealed class PriorityWeightedSelectionPolicy : IBackendSelectionPolicy
{
    public const string PolicyName = "priority-weighted";

    /// <summary>
    /// The least a backend's weight is scaled by: one that is almost out of quota still gets an occasional request
    /// (which brings a fresh reading) rather than none.
    /// </summary>
    public const double MinimumQuotaFraction = 0.01;

    private const byte NotCandidate = 0;
    private const byte Candidate = 1;
    private const byte FittingCandidate = 2;

    public static PriorityWeightedSelectionPolicy Instance { get; } = new();

    public string Name => PolicyName;

    public Backend? Select(Pool pool, IBackendAvailability health, ulong tried, long estimatedTokens, Random random)
    {
        var backends = pool.Backends;
        // Pools hold at most 64 backends (one bit each in the tried mask): the per-request state fits on the stack.
        Span<byte> kind = stackalloc byte[backends.Count];
        Span<double> weights = stackalloc double[backends.Count];
        var bestPriority = int.MaxValue;
        var tierFits = false;

        // One pass reads each backend's health and quota once, so the pick is consistent even if they change meanwhile.
        for (var i = 0; i < backends.Count; i++)
        {
            var b = backends[i];
            if ((tried & (1UL << i)) != 0 || b.Priority > bestPriority || !health.IsAvailable(b, pool)) continue;
            if (b.Priority < bestPriority)
            {
                bestPriority = b.Priority;
                tierFits = false;
            }
            var quota = health.Quota(b);
            var fits = quota.Fits(estimatedTokens);
            kind[i] = fits ? FittingCandidate : Candidate;
            weights[i] = b.Weight * Math.Max(quota.RemainingFraction, MinimumQuotaFraction);
            tierFits |= fits;
        }
        if (bestPriority == int.MaxValue) return null;

        var wanted = tierFits ? FittingCandidate : Candidate;
        var total = 0.0;
        for (var i = 0; i < backends.Count; i++)
        {
            if (backends[i].Priority == bestPriority && kind[i] >= wanted) total += weights[i];
        }

        var pick = random.NextDouble() * total;
        Backend? last = null;
        for (var i = 0; i < backends.Count; i++)
        {
            if (backends[i].Priority != bestPriority || kind[i] < wanted) continue;
            last = backends[i];
            pick -= weights[i];
            if (pick < 0) return last;
        }
        return last; // Rounding left a sliver of the total: the last eligible backend owns it.
    }
}
