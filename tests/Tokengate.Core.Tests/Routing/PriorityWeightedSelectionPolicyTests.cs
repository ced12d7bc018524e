using Microsoft.Extensions.Time.Testing;
using Tokengate.Configuration;

namespace Tokengate.Routing;

public class PriorityWeightedSelectionPolicyTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryBackendHealth _health;
    private readonly PriorityWeightedSelectionPolicy _policy = PriorityWeightedSelectionPolicy.Instance;

    public PriorityWeightedSelectionPolicyTests()
    {
        _health = new InMemoryBackendHealth(_time, () => new ForwardingOptions());
    }

    [Fact]
    public void Name_IsTheConfigurationName()
    {
        Assert.Equal("priority-weighted", _policy.Name);
    }

    [Fact]
    public void Select_SeveralTiers_PicksOnlyFromLowestTier()
    {
        // b0 and b2 are tier 0, listed around a tier-1 backend with a much larger weight.
        var pool = TestPools.Pool((0, 1), (1, 1000), (0, 1), (2, 1000));
        var random = new Random(1);

        for (var i = 0; i < 200; i++)
        {
            var picked = _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, random);
            Assert.NotNull(picked);
            Assert.Equal(0, picked.Priority);
        }
    }

    [Fact]
    public void Select_LowestTierCooling_MovesToNextTier()
    {
        var pool = TestPools.Pool((0, 1), (1, 1), (2, 1));
        _health.ReportThrottled(pool.Backends[0], Start.AddSeconds(10));

        var picked = _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, new Random(7));

        Assert.Same(pool.Backends[1], picked);
    }

    [Fact]
    public void Select_CooldownOver_ReturnsToLowestTier()
    {
        var pool = TestPools.Pool((0, 1), (1, 1));
        _health.ReportThrottled(pool.Backends[0], Start.AddSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10));

        var picked = _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, new Random(7));

        Assert.Same(pool.Backends[0], picked);
    }

    [Fact]
    public void Select_TriedBackend_IsExcluded()
    {
        var pool = TestPools.Pool((0, 1), (0, 1), (1, 1));
        var random = new Random(3);

        for (var i = 0; i < 100; i++)
            Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0b001, estimatedTokens: 0, random));
    }

    [Fact]
    public void Select_WholeLowestTierTried_MovesToNextTier()
    {
        var pool = TestPools.Pool((0, 1), (0, 1), (1, 1));

        var picked = _policy.Select(pool, _health, tried: 0b011, estimatedTokens: 0, new Random(3));

        Assert.Same(pool.Backends[2], picked);
    }

    [Fact]
    public void Select_AllTried_ReturnsNull()
    {
        var pool = TestPools.Pool((0, 1), (1, 1));

        Assert.Null(_policy.Select(pool, _health, tried: 0b11, estimatedTokens: 0, new Random(3)));
    }

    [Fact]
    public void Select_TriedBitsBeyondPool_AreIgnored()
    {
        var pool = TestPools.Pool((0, 1));

        Assert.Same(pool.Backends[0], _policy.Select(pool, _health, tried: 1UL << 63, estimatedTokens: 0, new Random(3)));
    }

    [Fact]
    public void Select_Weights3To1_SplitsAbout75To25()
    {
        var pool = TestPools.Pool((0, 3), (0, 1));
        var random = new Random(12345);
        var counts = new int[2];
        const int Picks = 4000;

        for (var i = 0; i < Picks; i++)
            counts[_policy.Select(pool, _health, tried: 0, estimatedTokens: 0, random)!.Index]++;

        // Expected 3000 / 1000; the standard deviation is about 27, so ±150 cannot fail by chance.
        Assert.InRange(counts[0], 2850, 3150);
        Assert.InRange(counts[1], 850, 1150);
        Assert.Equal(Picks, counts[0] + counts[1]);
    }

    [Fact]
    public void Select_HeavyBackendCooling_AllTrafficToTheOther()
    {
        var pool = TestPools.Pool((0, 3), (0, 1));
        _health.ReportThrottled(pool.Backends[0], Start.AddMinutes(1));
        var random = new Random(99);

        for (var i = 0; i < 100; i++)
            Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, random));
    }

    [Fact]
    public void Select_NothingAvailable_ReturnsNull()
    {
        var pool = TestPools.Pool((0, 1), (1, 1));
        _health.ReportThrottled(pool.Backends[0], Start.AddSeconds(5));
        _health.ReportThrottled(pool.Backends[1], Start.AddSeconds(5));

        Assert.Null(_policy.Select(pool, _health, tried: 0, estimatedTokens: 0, new Random(1)));
    }

    [Fact]
    public void Select_SpillingProvisionedBackend_SkippedUnlessSpilloverIgnored()
    {
        var ptu = TestPools.Backend("ptu", 0, priority: 0, type: BackendType.Provisioned);
        var paygo = TestPools.Backend("paygo", 1, priority: 1);
        var pool = new Pool("pool", [ptu, paygo], _policy, 90);
        _health.ReportUtilization(ptu, 95);

        Assert.Same(paygo, _policy.Select(pool, _health, tried: 0, estimatedTokens: 0, new Random(1)));
        Assert.Same(ptu, _policy.Select(pool, _health.IgnoringSpillover, tried: 0, estimatedTokens: 0, new Random(1)));
    }
}
