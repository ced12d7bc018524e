using System.Collections.Frozen;

namespace Tokengate.Simulator.Deployments;

/// <summary>The configured deployments by name (case-insensitive, as Azure deployment names are).</summary>
internal sealed class DeploymentRegistry
{
    private readonly FrozenDictionary<string, DeploymentState> _deployments;

    public DeploymentRegistry(SimulatorOptions options, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        var states = new Dictionary<string, DeploymentState>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, deployment) in options.Deployments)
        {
            states[name] = new DeploymentState(name, deployment ?? new SimulatedDeploymentOptions(), now);
        }

        _deployments = states.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Names = [.. _deployments.Values.Select(d => d.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>Names in a stable order, for listings.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool TryGet(string name, out DeploymentState state) => _deployments.TryGetValue(name, out state!);

    public DeploymentState Get(string name) =>
        _deployments.TryGetValue(name, out var state) ? state : throw new KeyNotFoundException($"No simulated deployment named '{name}'.");
}
