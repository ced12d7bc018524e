namespace Tokengate.Routing;

/// <summary>A logical deployment: the backends behind one consumer-facing name.</summary>
internal sealed class Pool(string name, IReadOnlyList<Backend> backends, IBackendSelectionPolicy policy, double spilloverUtilizationPercent,
    PoolDedication? dedication = null)
{
    public string Name { get; } = name;

    /// <summary>Backends in configuration order; <see cref="Backend.Index"/> is the position here.</summary>
    public IReadOnlyList<Backend> Backends { get; } = backends;

    public IBackendSelectionPolicy Policy { get; } = policy;

    /// <summary>0 disables spillover before the 429.</summary>
    public double SpilloverUtilizationPercent { get; } = spilloverUtilizationPercent;

    /// <summary>The consumer groups this pool is dedicated to, for the shared pool's deployment name; null for a pool that serves everyone.</summary>
    public PoolDedication? Dedication { get; } = dedication;

    /// <summary>
    /// The logical deployment this pool serves: the shared pool for a dedicated pool, itself otherwise. Scopes, token
    /// policies and the ledger's <c>deployment</c> are about this one, so a group's own capacity changes where its
    /// requests run, not what it may call.
    /// </summary>
    public Pool Deployment => Dedication?.Shared ?? this;
}
