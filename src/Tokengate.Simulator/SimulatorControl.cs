using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Hosting;

namespace Tokengate.Simulator;

/// <summary>
/// Runtime control of the simulated deployments, the in-process equivalent of the <c>/_simulator</c> endpoint.
/// Changes take effect for the next request; requests already running finish under the settings they started with.
/// </summary>
public sealed class SimulatorControl
{
    private readonly SimulatorRuntime _runtime;

    internal SimulatorControl(SimulatorRuntime runtime) => _runtime = runtime;

    /// <summary>
    /// Replaces the accepted API keys for the next requests, as regenerating a key in the Azure portal does. Empty
    /// accepts any key.
    /// </summary>
    public void SetApiKeys(params string[] apiKeys)
    {
        ArgumentNullException.ThrowIfNull(apiKeys);
        // A new list swapped in whole: requests read the reference once and never see a list being edited.
        _runtime.Options.ApiKeys = [.. apiKeys];
    }

    /// <summary>Names of the configured deployments.</summary>
    public IReadOnlyList<string> Deployments => _runtime.Deployments.Names;

    /// <summary>A copy of a deployment's current settings.</summary>
    /// <exception cref="KeyNotFoundException">No deployment has that name.</exception>
    public SimulatedDeploymentOptions GetOptions(string deployment) =>
        SimulatorJson.Clone(_runtime.Deployments.Get(deployment).Snapshot.Options);

    /// <summary>
    /// Changes a deployment's settings: <paramref name="update"/> edits a copy, which is validated and swapped in
    /// whole. Fault commands (see <see cref="SimulatedFaultOptions"/>) are armed by this call.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No deployment has that name.</exception>
    /// <exception cref="ArgumentException">The resulting settings are invalid; nothing changed.</exception>
    public void Update(string deployment, Action<SimulatedDeploymentOptions> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        _runtime.Deployments.Get(deployment).Update(update, _runtime.NowTicks);
    }

    /// <summary>Live counters and limiter state of a deployment.</summary>
    /// <exception cref="KeyNotFoundException">No deployment has that name.</exception>
    public SimulatedDeploymentStats GetStats(string deployment) => _runtime.Deployments.Get(deployment).Stats(_runtime.NowTicks);

    /// <summary>
    /// Clears a deployment's rate-limit windows, utilization bucket, faults (armed commands and standing rates and
    /// delays; its other settings stay) and counters.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No deployment has that name.</exception>
    public void Reset(string deployment) => _runtime.Deployments.Get(deployment).Reset(_runtime.NowTicks);

    /// <summary>The next <paramref name="count"/> requests to the deployment answer <paramref name="statusCode"/>.</summary>
    public void FailNext(string deployment, int count, int statusCode = 500, TimeSpan? retryAfter = null) =>
        Update(deployment, o =>
        {
            o.Faults.FailNextCount = count;
            o.Faults.FailNextStatusCode = statusCode;
            o.Faults.FailNextRetryAfterMs = retryAfter is { } r ? (int)Math.Ceiling(r.TotalMilliseconds) : null;
        });

    /// <summary>Provisioned: sets utilization to <paramref name="percent"/> now; above 100 the deployment answers 429 until it drains.</summary>
    public void SetUtilization(string deployment, double percent) =>
        Update(deployment, o => o.Faults.ForceUtilizationPercent = percent);

    /// <summary>Standard: answers 429 for <paramref name="duration"/>, announcing <paramref name="retryAfter"/> (default: the time left).</summary>
    public void ThrottleFor(string deployment, TimeSpan duration, TimeSpan? retryAfter = null) =>
        Update(deployment, o =>
        {
            o.Faults.ThrottleForMs = (int)Math.Ceiling(duration.TotalMilliseconds);
            o.Faults.ThrottleRetryAfterMs = retryAfter is { } r ? (int)Math.Ceiling(r.TotalMilliseconds) : null;
        });
}
