using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Configuration;
using Tokengate.State;
using Tokengate.Storage;

namespace Tokengate.Routing;

public class DrainedSelectionTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly BackendDrainState _drains;
    private readonly InMemoryBackendHealth _health;
    private readonly PriorityWeightedSelectionPolicy _policy = PriorityWeightedSelectionPolicy.Instance;

    public DrainedSelectionTests()
    {
        // Never opened: the tests give the drained list directly.
        _drains = new BackendDrainState(new SqliteDatabase(Path.GetTempPath()), new InMemoryStateChangeNotifier(), _time, NullLogger<BackendDrainState>.Instance);
        _health = new InMemoryBackendHealth(_time, () => new ForwardingOptions(), _drains);
    }

    private void Drain(params Backend[] backends) => _drains.Apply(backends.Select(b => new BackendDrainRecord(b.Name, "ops", Start)));

    [Fact]
    public void Select_OneOfTwoInTierDrained_AlwaysTheOther()
    {
        var pool = TestPools.Pool((0, 1), (0, 1));
        Drain(pool.Backends[0]);
        var random = new Random(3);

        for (var i = 0; i < 100; i++)
            Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, random));
    }

    [Fact]
    public void Select_WholeTierDrained_SpillsToNextTier()
    {
        var pool = TestPools.Pool((0, 1), (0, 1), (1, 1));
        Drain(pool.Backends[0], pool.Backends[1]);

        Assert.Same(pool.Backends[2], _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, new Random(5)));
        Assert.Same(pool.Backends[2], _policy.Select(pool, _health.IgnoringSpillover, tried: 0, estimatedTokens: 0, new Random(5)));
        Assert.Same(pool.Backends[2], _policy.Select(pool, _health.WithUtilizationLimit(5000), tried: 0, estimatedTokens: 0, new Random(5)));
    }

    [Fact]
    public void Select_EveryBackendDrained_Null()
    {
        var pool = TestPools.Pool((0, 1), (1, 1));
        Drain(pool.Backends[0], pool.Backends[1]);

        Assert.Null(_policy.Select(pool, _health, tried: 0, estimatedTokens: 0, new Random(5)));
    }

    [Fact]
    public void Select_Resumed_BackendChosenAgain()
    {
        var pool = TestPools.Pool((0, 1), (1, 1));
        Drain(pool.Backends[0]);
        Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, new Random(5)));

        Drain();

        Assert.Same(pool.Backends[0], _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, new Random(5)));
    }

    [Fact]
    public void Pinned_DrainedBackend_StillAvailable_ButNotWhileCooling()
    {
        var pool = TestPools.Pool((0, 1), (1, 1));
        Drain(pool.Backends[0]);

        Assert.False(_health.IsAvailable(pool.Backends[0], pool));
        Assert.True(_health.Pinned.IsAvailable(pool.Backends[0], pool));

        _health.ReportThrottled(pool.Backends[0], Start.AddSeconds(10));
        Assert.False(_health.Pinned.IsAvailable(pool.Backends[0], pool));
    }
}
