using BenchmarkDotNet.Attributes;
using Tokengate.Limits;
using Tokengate.Micro.Baseline;

namespace Tokengate.Micro;

/// <summary>
/// One request's work on the in-memory limit store (reserve, then settle to the actual usage), by 1, 2 and 4 threads
/// at once for the same consumer, with limits far above the load as in bench/tokengate.json. ns/op is wall time per
/// request over all threads: lower with more threads means the threads run in parallel, higher means they queue.
/// </summary>
[ShortRunJob]
public class LimitStoreBenchmarks
{
    private const int PerThread = 20_000;
    private static readonly IReadOnlyList<LimitScope> Scopes = [new LimitScope("consumer:bench", "consumer 'bench'", 2_000_000_000, 100_000_000, null)];
    private Hammer _hammer = null!;
    private ILimitStore _baseline = null!;
    private ILimitStore _current = null!;
    private Action _baselineWork = null!;
    private Action _currentWork = null!;

    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hammer = new Hammer(Threads);
        _baseline = new BaselineInMemoryLimitStore(TimeProvider.System);
        _current = new InMemoryLimitStore(TimeProvider.System);
        _baselineWork = () => Work(_baseline);
        _currentWork = () => Work(_current);
    }

    [GlobalCleanup]
    public void Cleanup() => _hammer.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread)]
    public void Baseline() => _hammer.Run(_baselineWork);

    [Benchmark(OperationsPerInvoke = PerThread)]
    public void LockFree() => _hammer.Run(_currentWork);

    private static void Work(ILimitStore store)
    {
        for (var i = 0; i < PerThread; i++)
        {
            var decision = store.TryReserveAsync(Scopes, 300, default).Result;
            store.SettleAsync(decision.Reservation!, 250, default).GetAwaiter().GetResult();
        }
    }
}
