using Microsoft.Extensions.Time.Testing;
using Tokengate.Configuration;
using Tokengate.Priority;
using Tokengate.Proxy;

namespace Tokengate.Routing;

/// <summary>Per-class thresholds on provisioned capacity: the same pure selection policy over a per-threshold health view.</summary>
public sealed class HeadroomSelectionTests
{
    private static readonly PriorityPolicy Classes = PriorityPolicy.Compile(new PriorityOptions());
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryBackendHealth _health;
    private readonly Random _random = new(7);

    public HeadroomSelectionTests()
    {
        _health = new InMemoryBackendHealth(_time, () => new ForwardingOptions());
    }

    private static Backend Ptu(long? capacity = null) => new(
        new BackendOptions { Name = "ptu", Endpoint = "https://ptu.example.com/", Priority = 0, Type = BackendType.Provisioned, ProvisionedTokensPerMinute = capacity },
        "pool", 0, NoBackendCredential.Instance);

    private static Pool PoolOf(Backend ptu, bool paygo = true, params double[] classLimits) => new(
        "pool",
        paygo ? [ptu, TestPools.Backend("paygo", 1, priority: 1)] : [ptu],
        PriorityWeightedSelectionPolicy.Instance,
        90,
        classLimits.Length > 0 ? classLimits : [100, 90, 70]);

    private string? Pick(Pool pool, string priority)
    {
        var limit = pool.UtilizationLimitBasisPoints(Classes.Ordered.Single(c => c.Name == priority));
        IBackendAvailability view = limit == pool.SpilloverBasisPoints ? _health : _health.WithUtilizationLimit(limit);
        return pool.Policy.Select(pool, view, tried: 0, estimatedTokens: 0, _random)?.Name;
    }

    [Theory]
    [InlineData(50, "ptu", "ptu", "ptu")]
    [InlineData(80, "ptu", "ptu", "paygo")]     // the lowest class keeps below 70%
    [InlineData(95, "ptu", "paygo", "paygo")]   // the middle class keeps to the pool's spillover threshold
    [InlineData(100, "paygo", "paygo", "paygo")] // at 100% the backend's own 429 is due
    public void Select_UtilizationReading_EachClassKeepsBelowItsThreshold(double utilization, string high, string normal, string low)
    {
        var pool = PoolOf(Ptu());
        _health.ReportUtilization(pool.Backends[0], utilization);

        Assert.Equal((high, normal, low), (Pick(pool, "high"), Pick(pool, "normal"), Pick(pool, "low")));
    }

    [Fact]
    public void Select_OnlyProvisionedAboveLowThreshold_LowFindsNothing_HighStillGetsIt()
    {
        var pool = PoolOf(Ptu(), paygo: false);
        _health.ReportUtilization(pool.Backends[0], 85);

        Assert.Equal("ptu", Pick(pool, "high"));
        Assert.Equal("ptu", Pick(pool, "normal"));
        Assert.Null(Pick(pool, "low"));
    }

    [Fact]
    public void Select_StaleReading_ProvisionedAvailableToEveryClass()
    {
        var pool = PoolOf(Ptu(), paygo: false);
        _health.ReportUtilization(pool.Backends[0], 99);
        _time.Advance(new ForwardingOptions().UtilizationReadingLifetime);

        Assert.Equal("ptu", Pick(pool, "low"));
    }

    [Fact]
    public void Select_OwnCountAboveDeclaredCapacityShare_SkipsProvisionedThoughTheReadingIsLow()
    {
        var pool = PoolOf(Ptu(capacity: 10_000));
        _health.ReportUtilization(pool.Backends[0], 10);
        _health.ReportSent(pool.Backends[0], 8_000);  // 80% of the declared minute, sent since the reading

        Assert.Equal(("ptu", "ptu", "paygo"), (Pick(pool, "high"), Pick(pool, "normal"), Pick(pool, "low")));
    }

    [Fact]
    public void Select_ReadingHigherThanOwnCount_TheReadingDecides()
    {
        var pool = PoolOf(Ptu(capacity: 10_000));
        _health.ReportSent(pool.Backends[0], 1_000);
        _health.ReportUtilization(pool.Backends[0], 75);

        Assert.Equal("paygo", Pick(pool, "low"));
    }

    [Fact]
    public void Select_OwnCountSettledLower_ProvisionedAvailableAgain()
    {
        var pool = PoolOf(Ptu(capacity: 10_000));
        _health.ReportSent(pool.Backends[0], 8_000);
        _health.ReportSettled(pool.Backends[0], 8_000, 1_000);

        Assert.Equal("ptu", Pick(pool, "low"));
    }

    [Fact]
    public void UtilizationLimit_PoolWithoutClassLimits_EveryClassUsesTheSpilloverThreshold()
    {
        var pool = TestPools.Pool(85, (0, 1));

        Assert.All(Classes.Ordered, c => Assert.Equal(8_500, pool.UtilizationLimitBasisPoints(c)));
        Assert.Equal(8_500, pool.UtilizationLimitBasisPoints(null));
    }

    [Fact]
    public void WithUtilizationLimit_SameThreshold_SameView_ZeroIgnoresSpillover()
    {
        Assert.Same(_health.WithUtilizationLimit(7_000), _health.WithUtilizationLimit(7_000));
        Assert.Same(_health.IgnoringSpillover, _health.WithUtilizationLimit(0));
    }

    [Fact]
    public void Select_ProvisionedOnlyView_ClassThatWaits_NeverPicksPaygo()
    {
        var pool = PoolOf(Ptu());
        _health.ReportUtilization(pool.Backends[0], 80);
        var view = _health.WithUtilizationLimit(7_000, provisionedOnly: true);

        Assert.Null(pool.Policy.Select(pool, view, tried: 0, estimatedTokens: 0, _random));
        _health.ReportUtilization(pool.Backends[0], 20);
        Assert.Equal("ptu", pool.Policy.Select(pool, view, tried: 0, estimatedTokens: 0, _random)?.Name);
    }
}
