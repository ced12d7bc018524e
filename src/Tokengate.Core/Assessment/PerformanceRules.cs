using Tokengate.Configuration;
using static Tokengate.Assessment.AssessmentFinding;

namespace Tokengate.Assessment;

/// <summary>Rules for priorities, batching and per-group isolation.</summary>
internal static class PerformanceRules
{
    public static IEnumerable<AssessmentRule> All { get; } =
    [
        new("priority-classes", "Consumers or groups are assigned priority classes, so low-priority traffic can wait or be queued while high priority keeps headroom.", PriorityClasses),
        new("batching", "Low-priority work can be batched: the Batch API is served (gateway-run on idle PTU, or a Global/Data Zone Batch deployment).", Batching),
        new("dedicated-pools", "With several consumer groups, at least one pool is dedicated to a group (DedicatedTo), isolating noisy neighbours.", DedicatedPools),
    ];

    private static IReadOnlyList<AssessmentFinding> PriorityClasses(AssessmentInput input)
    {
        var priority = input.Gateway.Priority;
        var assigned = priority.Consumers.Count + priority.Groups.Count;
        var evidence = $"Tokengate:Priority: classes [{string.Join(", ", priority.EffectiveClasses)}], default {priority.EffectiveDefault}, {priority.Consumers.Count} consumers and {priority.Groups.Count} groups assigned";
        return assigned == 0
            ? [Warn("every consumer runs in the same priority class unless it sends the priority header", evidence,
                "assign classes in Tokengate:Priority:Consumers / Groups (e.g. interactive apps high, nightly jobs low)")]
            : [Pass("consumers and groups have priority classes", evidence)];
    }

    private static IReadOnlyList<AssessmentFinding> Batching(AssessmentInput input)
    {
        var batchBackends = input.Gateway.Pools.SelectMany(p => p.Value.Backends.Where(b => b.Type is BackendType.GlobalBatch or BackendType.DataZoneBatch).Select(b => $"{p.Key}/{b.Name}")).ToList();
        var hasPtu = input.LiveBackends.Any(b => b.Backend.Type == BackendType.Provisioned);
        var evidence = $"Tokengate:Batches:DefaultMode = {input.Gateway.Batches.DefaultMode}; batch deployments [{string.Join(", ", batchBackends)}]";
        if (batchBackends.Count > 0 || hasPtu)
            return [Pass("batches run on idle provisioned capacity or a batch deployment", evidence)];
        return [Warn("batches run on pay-as-you-go capacity at full price: no provisioned backend and no batch deployment", evidence,
            "add a Global Batch deployment (\"Type\": \"GlobalBatch\") to the pool, or a provisioned backend for gateway-run batches")];
    }

    private static IReadOnlyList<AssessmentFinding> DedicatedPools(AssessmentInput input)
    {
        var groups = input.Gateway.Consumers.Values.Select(c => c.Group).OfType<string>()
            .Concat(input.Gateway.Access.Groups.Keys).Concat(input.Gateway.Limits.Groups.Keys)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var dedicated = input.Gateway.Pools.Where(p => p.Value.DedicatedTo is not null).Select(p => p.Key).ToList();
        var evidence = $"consumer groups [{string.Join(", ", groups)}]; Tokengate:Pools:*:DedicatedTo set on [{string.Join(", ", dedicated)}]";
        if (dedicated.Count > 0) return [Pass("pools dedicated to consumer groups", evidence)];
        if (groups.Count < 2) return [NotApplicable("fewer than two consumer groups in the configuration", evidence)];
        return [Warn("several consumer groups share every deployment", evidence,
            "give the busiest group its own pool with \"DedicatedTo\": { \"Deployment\": ..., \"Groups\": [...] }")];
    }
}
