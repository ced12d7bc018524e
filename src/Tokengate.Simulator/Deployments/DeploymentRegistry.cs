using System.Collections.Frozen;

namespace Tokengate.Simulator.Deployments;

/// <summary>
/// The deployments by name (case-insensitive, as Azure deployment names are): those configured at start, and any
/// added later (a succeeded fine-tuning job's model). Readers see one immutable dictionary at a time.
/// </summary>
internal sealed class DeploymentRegistry
{
    private readonly Lock _addLock = new();
    private volatile FrozenDictionary<string, DeploymentState> _deployments;
    private volatile IReadOnlyList<string> _names;

    public DeploymentRegistry(SimulatorOptions options, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        var states = new Dictionary<string, DeploymentState>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, deployment) in options.Deployments)
        {
            states[name] = new DeploymentState(name, deployment ?? new SimulatedDeploymentOptions(), now);
        }

        _deployments = states.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _names = NamesOf(_deployments);
    }

    /// <summary>Names in a stable order, for listings.</summary>
    public IReadOnlyList<string> Names => _names;

    public bool TryGet(string name, out DeploymentState state) => _deployments.TryGetValue(name, out state!);

    public DeploymentState Get(string name) =>
        _deployments.TryGetValue(name, out var state) ? state : throw new KeyNotFoundException($"No simulated deployment named '{name}'.");

    /// <summary>Adds a deployment unless one has the name already; false then.</summary>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public bool TryAdd(string name, SimulatedDeploymentOptions options, long nowTicks)
    {
        lock (_addLock)
        {
            if (_deployments.ContainsKey(name))
            {
                return false;
            }

            var states = new Dictionary<string, DeploymentState>(_deployments, StringComparer.OrdinalIgnoreCase)
            {
                [name] = new DeploymentState(name, options, nowTicks),
            };
            var frozen = states.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
            _names = NamesOf(frozen);
            _deployments = frozen;
            return true;
        }
    }

    private static IReadOnlyList<string> NamesOf(FrozenDictionary<string, DeploymentState> deployments) =>
        [.. deployments.Values.Select(d => d.Name).Order(StringComparer.Ordinal)];
}
