using System.Net;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Steady load spread over every instance of a fleet until stopped; keeps each response's status.</summary>
internal sealed class FleetLoad
{
    private readonly List<HttpStatusCode> _statuses = [];
    private readonly List<string> _failures = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public FleetLoad(FleetHarness fleet, int workersPerInstance)
    {
        _run = Task.WhenAll(Enumerable.Range(0, fleet.Gateways.Count * workersPerInstance).Select(w => Task.Run(async () =>
        {
            var instance = w % fleet.Gateways.Count;
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await fleet.ChatAsync(instance, $"worker {w} request {i}");
                    var body = await response.Content.ReadAsStringAsync();
                    lock (_statuses)
                    {
                        _statuses.Add(response.StatusCode);
                        if (response.StatusCode != HttpStatusCode.OK) _failures.Add($"instance {instance}: {(int)response.StatusCode} {body}");
                    }
                }
                catch (HttpRequestException ex)
                {
                    lock (_statuses) _failures.Add($"instance {instance}: {ex.Message}");
                }
            }
        })));
    }

    /// <summary>Responses received so far.</summary>
    public int Completed { get { lock (_statuses) return _statuses.Count; } }

    public IReadOnlyList<string> Failures { get { lock (_statuses) return [.. _failures]; } }

    /// <summary>Waits until <paramref name="more"/> further responses have arrived.</summary>
    public async Task ProgressAsync(int more, TimeSpan? deadline = null)
    {
        var target = Completed + more;
        await Secrets.Poll.UntilAsync(() => Completed >= target, deadline ?? TimeSpan.FromSeconds(30));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }
}
