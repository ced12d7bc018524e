using BenchmarkDotNet.Attributes;
using Tokengate.Limits;
using Tokengate.Micro.Baseline;

namespace Tokengate.Micro;

/// <summary>
/// One request's work on the in-memory limit store (reserve, then settle to the actual usage), by 1, 2 and 4 threads
/// at once for the same consumer, with per-minute limits set (so every reservation sums the window) but far above
/// what even this loop reaches in a minute. ns/op is wall time per request per thread: flat from 1 to 2 threads on 2
/// cores means the threads run in parallel; doubling means they take turns. <see cref="Striped"/> is the store as the
/// gateway builds it (a stripe per core: 2 on the 2-core development machine); <see cref="OneStripe"/> is the same
/// store with one stripe, so every thread writes the same counters (as the lock-free store did before it was striped).
/// </summary>
// ShortRun with more iterations: the 2-core development machine is shared, and the minimum and median resist its noise.
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 11)]
[MinColumn, MedianColumn]
public class LimitStoreBenchmarks
{
    private const int PerThread = 20_000;
    private static readonly IReadOnlyList<LimitScope> Scopes = [new LimitScope("consumer:bench", "consumer 'bench'", int.MaxValue, int.MaxValue, null)];
    private Hammer _hammer = null!;
    private ILimitStore _baseline = null!;
    private ILimitStore _current = null!;
    private ILimitStore _oneStripe = null!;
    private Action _baselineWork = null!;
    private Action _currentWork = null!;
    private Action _oneStripeWork = null!;
    private Action _ownWork = null!;
    private int _nextConsumer;

    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hammer = new Hammer(Threads);
        _baseline = new BaselineInMemoryLimitStore(TimeProvider.System);
        _current = new InMemoryLimitStore(TimeProvider.System);
        _oneStripe = new InMemoryLimitStore(TimeProvider.System, stripes: 1);
        _baselineWork = () => Work(_baseline);
        _currentWork = () => Work(_current);
        _oneStripeWork = () => Work(_oneStripe);
        _ownWork = () =>
        {
            var own = Interlocked.Increment(ref _nextConsumer);
            Work(_current, [new LimitScope($"consumer:own{own}", "own", int.MaxValue, int.MaxValue, null)]);
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _hammer.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread)]
    public void Baseline() => _hammer.Run(_baselineWork);

    [Benchmark(OperationsPerInvoke = PerThread)]
    public void OneStripe() => _hammer.Run(_oneStripeWork);

    [Benchmark(OperationsPerInvoke = PerThread)]
    public void Striped() => _hammer.Run(_currentWork);

    /// <summary>The control: every thread its own consumer, so nothing is shared. What parallel threads get on this machine.</summary>
    [Benchmark(OperationsPerInvoke = PerThread)]
    public void StripedOwnConsumer() => _hammer.Run(_ownWork);

    private static void Work(ILimitStore store) => Work(store, Scopes);

    private static void Work(ILimitStore store, IReadOnlyList<LimitScope> scopes)
    {
        for (var i = 0; i < PerThread; i++)
        {
            var decision = store.TryReserveAsync(scopes, 2, default).Result;
            store.SettleAsync(decision.Reservation!, 1, default).GetAwaiter().GetResult();
        }
    }
}
