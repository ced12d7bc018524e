using BenchmarkDotNet.Attributes;
using Tokengate.Configuration;
using Tokengate.Micro.Baseline;
using Tokengate.Proxy;
using Tokengate.Routing;

namespace Tokengate.Micro;

/// <summary>
/// What one request does to its backend's health state, by 1, 2 and 4 threads at once on the same backend: the
/// selection policy's availability and quota reads, the sent count, the response's rate-limit reading, the success
/// sample and the settled count. ns/op is wall time per request per thread: flat from 1 to 2 threads on 2 cores means
/// the threads run in parallel.
/// </summary>
// ShortRun with more iterations: the 2-core development machine is shared, and the minimum and median resist its noise.
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 11)]
[MinColumn, MedianColumn]
public class BackendHealthBenchmarks
{
    private const int PerThread = 20_000;
    private static readonly ForwardingOptions Options = new();
    private static readonly BackendQuotaReading Reading = new(null, 999_999, null, 999);
    private Backend _backend = null!;
    private Pool _pool = null!;
    private Hammer _hammer = null!;
    private Action _baselineWork = null!;
    private Action _currentWork = null!;

    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = new Backend(new BackendOptions { Name = "static", Endpoint = "http://127.0.0.1:18480/" }, "bench", 0, NoBackendCredential.Instance);
        _pool = new Pool("bench", [_backend], PriorityWeightedSelectionPolicy.Instance, 90);
        _hammer = new Hammer(Threads);
        var baseline = new BaselineInMemoryBackendHealth(TimeProvider.System, () => Options);
        var current = new InMemoryBackendHealth(TimeProvider.System, () => Options);
        _baselineWork = () => Work(baseline);
        _currentWork = () => Work(current);
    }

    [GlobalCleanup]
    public void Cleanup() => _hammer.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread)]
    public void Baseline() => _hammer.Run(_baselineWork);

    [Benchmark(OperationsPerInvoke = PerThread)]
    public void LockFree() => _hammer.Run(_currentWork);

    private void Work(IBackendHealth health)
    {
        for (var i = 0; i < PerThread; i++)
        {
            health.IsAvailable(_backend, _pool);
            health.Quota(_backend);
            health.ReportSent(_backend, 300);
            health.ReportQuota(_backend, Reading);
            health.ReportSuccess(_backend);
            health.ReportSettled(_backend, 300, 250);
        }
    }
}
