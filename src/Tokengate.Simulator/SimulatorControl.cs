using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.FineTuning;
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
    public SimulatedDeploymentStats GetStats(string deployment) => _runtime.Stats(_runtime.Deployments.Get(deployment));

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

    /// <summary>Files, uploads and fine-tuning jobs held, and the resource-level faults still armed.</summary>
    public SimulatedResourceStats GetResourceStats() => ResourceControlHandler.Stats(_runtime);

    /// <summary>
    /// Arms faults of the files, uploads and fine-tuning calls (which reach no deployment, so the deployments'
    /// faults do not apply to them).
    /// </summary>
    public void UpdateResourceFaults(SimulatedResourceFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ResourceControlHandler.Apply(_runtime, faults);
    }

    /// <summary>The next <paramref name="count"/> files, uploads or fine-tuning calls answer <paramref name="statusCode"/>.</summary>
    public void FailNextResourceCalls(int count, int statusCode = 500, TimeSpan? retryAfter = null) =>
        UpdateResourceFaults(new SimulatedResourceFaults
        {
            FailNextCount = count,
            FailNextStatusCode = statusCode,
            FailNextRetryAfterMs = retryAfter is { } r ? (int)Math.Ceiling(r.TotalMilliseconds) : null,
        });

    /// <summary>The next <paramref name="count"/> fine-tuning jobs created end <c>failed</c> when they leave the queue.</summary>
    public void FailNextFineTuningJobs(int count) => UpdateResourceFaults(new SimulatedResourceFaults { FailNextJobCount = count });

    /// <summary>Clears the resource-level faults.</summary>
    public void ResetResourceFaults() => _runtime.ResourceFaults.Clear();

    /// <summary>
    /// Ends a fine-tuning job's current step now, whatever its configured duration (validation, the queue, or the whole
    /// training run; a paused job resumes first). Returns the status reached, as the API names it.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No job has that id.</exception>
    public string AdvanceFineTuningJob(string jobId) => Advance(jobId, toEnd: false);

    /// <summary>Takes a fine-tuning job through every remaining step now. Returns its final status.</summary>
    /// <exception cref="KeyNotFoundException">No job has that id.</exception>
    public string CompleteFineTuningJob(string jobId) => Advance(jobId, toEnd: true);

    private string Advance(string jobId, bool toEnd) =>
        _runtime.FineTuningJobs.TryGet(jobId, out var job)
            ? FineTuningJson.StatusName(ResourceControlHandler.Advance(_runtime, job, toEnd))
            : throw new KeyNotFoundException($"No fine-tuning job with id '{jobId}'.");

    /// <summary>Counters, armed faults and settings of the Content Safety resource (Prompt Shields).</summary>
    public SimulatedContentSafetyStats GetContentSafetyStats() => _runtime.ContentSafety.Stats(_runtime.NowTicks);

    /// <summary>
    /// Changes the Content Safety resource's settings: <paramref name="update"/> edits a copy, which is validated and
    /// swapped in whole; its commands (<see cref="SimulatedContentSafetyOptions.FailNextCount"/>,
    /// <see cref="SimulatedContentSafetyOptions.ResetNextCount"/>) are armed by this call.
    /// </summary>
    /// <exception cref="ArgumentException">The resulting settings are invalid; nothing changed.</exception>
    public void UpdateContentSafety(Action<SimulatedContentSafetyOptions> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        _runtime.ContentSafety.Update(o =>
        {
            update(o);
            return o;
        });
    }

    /// <summary>The next <paramref name="count"/> Prompt Shields calls answer <paramref name="statusCode"/>.</summary>
    public void FailNextContentSafetyCalls(int count, int statusCode = 500, TimeSpan? retryAfter = null) =>
        UpdateContentSafety(o =>
        {
            o.FailNextCount = count;
            o.FailNextStatusCode = statusCode;
            o.FailNextRetryAfterMs = retryAfter is { } r ? (int)Math.Ceiling(r.TotalMilliseconds) : null;
        });

    /// <summary>Clears the Content Safety resource's window, armed faults, latency and counters (its rate stays).</summary>
    public void ResetContentSafety() => _runtime.ContentSafety.Reset();
}
