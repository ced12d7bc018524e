namespace Tokengate.Routing;

/// <summary>
/// The lowest priority tier that has an available, untried backend wins; within it, a weighted random pick.
/// Provisioned deployments usually sit in tier 0 and pay-as-you-go ones in tier 1, so standard capacity is used
/// only when provisioned capacity is throttled, failing, or spilling.
/// </summary>
internal sealed class PriorityWeightedSelectionPolicy : IBackendSelectionPolicy
{
    public const string PolicyName = "priority-weighted";

    public static PriorityWeightedSelectionPolicy Instance { get; } = new();

    public string Name => PolicyName;

    public Backend? Select(Pool pool, IBackendAvailability health, ulong tried, Random random)
    {
        var backends = pool.Backends;
        var bestPriority = int.MaxValue;
        var totalWeight = 0;

        // First pass: the best tier and its total weight, without allocating a candidate list.
        for (var i = 0; i < backends.Count; i++)
        {
            var b = backends[i];
            if ((tried & (1UL << i)) != 0 || b.Priority > bestPriority || !health.IsAvailable(b, pool)) continue;
            if (b.Priority < bestPriority)
            {
                bestPriority = b.Priority;
                totalWeight = 0;
            }
            totalWeight += b.Weight;
        }

        if (totalWeight == 0) return null;

        var pick = random.Next(totalWeight);
        for (var i = 0; i < backends.Count; i++)
        {
            var b = backends[i];
            if (b.Priority != bestPriority || (tried & (1UL << i)) != 0 || !health.IsAvailable(b, pool)) continue;
            pick -= b.Weight;
            if (pick < 0) return b;
        }

        // Availability changed between the passes (another request moved the state); take the first still fit.
        for (var i = 0; i < backends.Count; i++)
        {
            var b = backends[i];
            if (b.Priority == bestPriority && (tried & (1UL << i)) == 0 && health.IsAvailable(b, pool)) return b;
        }
        return null;
    }
}
