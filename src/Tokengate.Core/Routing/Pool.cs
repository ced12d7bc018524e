namespace Tokengate.Routing;

/// <summary>A logical deployment: the backends behind one consumer-facing name.</summary>
internal sealed class Pool(string name, IReadOnlyList<Backend> backends, IBackendSelectionPolicy policy, double spilloverUtilizationPercent)
{
    public string Name { get; } = name;

    /// <summary>Backends in configuration order; <see cref="Backend.Index"/> is the position here.</summary>
    public IReadOnlyList<Backend> Backends { get; } = backends;

    public IBackendSelectionPolicy Policy { get; } = policy;

    /// <summary>0 disables spillover before the 429.</summary>
    public double SpilloverUtilizationPercent { get; } = spilloverUtilizationPercent;
}
