using Tokengate.Priority;

namespace Tokengate.Routing;

/// <summary>A logical deployment: the backends behind one consumer-facing name.</summary>
internal sealed class Pool
{
    private readonly long[] _classLimits;

    /// <param name="name">The logical deployment name.</param>
    /// <param name="backends">The backends in configuration order.</param>
    /// <param name="policy">How a backend is picked.</param>
    /// <param name="spilloverUtilizationPercent">The pool's spillover threshold (0: none).</param>
    /// <param name="classUtilizationPercent">
    /// Per priority class (index = rank), the provisioned utilization threshold of that class in this pool; null or
    /// shorter than the classes: the spillover threshold for the rest.
    /// </param>
    /// <param name="dedication">The consumer groups this pool is dedicated to, or null.</param>
    public Pool(string name, IReadOnlyList<Backend> backends, IBackendSelectionPolicy policy, double spilloverUtilizationPercent,
        IReadOnlyList<double>? classUtilizationPercent = null, PoolDedication? dedication = null)
    {
        Dedication = dedication;
        Name = name;
        Backends = backends;
        Policy = policy;
        SpilloverUtilizationPercent = spilloverUtilizationPercent;
        SpilloverBasisPoints = BasisPoints(spilloverUtilizationPercent);
        HasProvisioned = backends.Any(b => b.Type == Configuration.BackendType.Provisioned);
        _classLimits = classUtilizationPercent is null ? [] : [.. classUtilizationPercent.Select(BasisPoints)];
    }

    public string Name { get; }

    /// <summary>Backends in configuration order; <see cref="Backend.Index"/> is the position here.</summary>
    public IReadOnlyList<Backend> Backends { get; }

    public IBackendSelectionPolicy Policy { get; }

    /// <summary>0 disables spillover before the 429.</summary>
    public double SpilloverUtilizationPercent { get; }

    /// <summary>True when a backend of the pool is provisioned (a class that waits waits for it rather than pay-as-you-go).</summary>
    public bool HasProvisioned { get; }

    /// <summary><see cref="SpilloverUtilizationPercent"/> × 100.</summary>
    public long SpilloverBasisPoints { get; }

    /// <summary>
    /// The utilization (percent × 100) at or above which a provisioned backend is skipped for a request of
    /// <paramref name="priority"/>; 0: never skipped. Without a class, the spillover threshold.
    /// </summary>
    public long UtilizationLimitBasisPoints(PriorityClass? priority) =>
        priority is not null && priority.Rank < _classLimits.Length ? _classLimits[priority.Rank] : SpilloverBasisPoints;

    private static long BasisPoints(double percent) => (long)Math.Round(percent * 100);

    /// <summary>The consumer groups this pool is dedicated to, for the shared pool's deployment name; null for a pool that serves everyone.</summary>
    public PoolDedication? Dedication { get; }

    /// <summary>
    /// The logical deployment this pool serves: the shared pool for a dedicated pool, itself otherwise. Scopes, token
    /// policies and the ledger's <c>deployment</c> are about this one, so a group's own capacity changes where its
    /// requests run, not what it may call.
    /// </summary>
    public Pool Deployment => Dedication?.Shared ?? this;
}
