using System.Diagnostics;
using System.Net;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>
/// Steady load spread over every instance of a fleet until stopped: a fixed number of workers per instance, each
/// sending one request after the other to its instance. Keeps every response's status and every failure. A worker
/// whose instance has been killed stops, as a client would once its load balancer took the instance out; so only
/// requests in flight to (or just sent to) a killed instance can fail because of it.
/// </summary>
internal sealed class FleetLoad
{
    private readonly List<(int Instance, TimeSpan At)> _completions = [];
    private readonly List<FleetLoadFailure> _failures = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Task _run;

    /// <param name="fleet">The fleet.</param>
    /// <param name="workersPerInstance">Requests in flight to each instance at once.</param>
    /// <param name="keyOf">The key the clients of an instance use; by default every instance's clients are <c>app</c>.</param>
    public FleetLoad(ProcessFleet fleet, int workersPerInstance, Func<int, string>? keyOf = null)
    {
        _run = Task.WhenAll(Enumerable.Range(0, fleet.Count * workersPerInstance).Select(w => Task.Run(async () =>
        {
            var instance = w % fleet.Count;
            var key = keyOf?.Invoke(instance) ?? ProcessFleet.AppKey;
            for (var i = 0; !_stop.IsCancellationRequested && !fleet.IsKilled(instance); i++)
            {
                try
                {
                    using var response = await fleet.ChatAsync(instance, $"worker {w} request {i}", key);
                    var body = await response.Content.ReadAsStringAsync();
                    lock (_lock)
                    {
                        _completions.Add((instance, _clock.Elapsed));
                        if (response.StatusCode != HttpStatusCode.OK) _failures.Add(new(instance, response.StatusCode, body));
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    lock (_lock) _failures.Add(new(instance, null, ex.Message));
                }
            }
        })));
    }

    /// <summary>Responses received so far (any status): each is a request the gateway finished and should have recorded.</summary>
    public int Completed { get { lock (_lock) return _completions.Count; } }

    public int CompletedBy(int instance) { lock (_lock) return _completions.Count(c => c.Instance == instance); }

    /// <summary>When each response from <paramref name="instance"/> arrived, in order, on <see cref="Now"/>'s clock.</summary>
    public IReadOnlyList<TimeSpan> CompletionTimes(int instance)
    {
        lock (_lock) return [.. _completions.Where(c => c.Instance == instance).Select(c => c.At)];
    }

    /// <summary>Time since the load started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Responses other than 200, and requests that got no response at all.</summary>
    public IReadOnlyList<FleetLoadFailure> Failures { get { lock (_lock) return [.. _failures]; } }

    /// <summary>Waits until <paramref name="more"/> further responses have arrived.</summary>
    public async Task ProgressAsync(int more, TimeSpan? deadline = null)
    {
        var target = Completed + more;
        try
        {
            await Secrets.Poll.UntilAsync(() => Completed >= target, deadline ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the load did not reach {target} responses (at {Completed}); failures: {string.Join("\n", Failures)}");
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }
}
