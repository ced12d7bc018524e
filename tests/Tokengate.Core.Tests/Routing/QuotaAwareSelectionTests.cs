using Microsoft.Extensions.Time.Testing;
using Tokengate.Configuration;

namespace Tokengate.Routing;

/// <summary>
/// <see cref="PriorityWeightedSelectionPolicy"/> with backends' rate-limit headers and the gateway's own sends. (How a health
/// store projects the quota is part of its contract: <c>BackendHealthContractTests</c> in the integration tests.)
/// </summary>
public class QuotaAwareSelectionTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryBackendHealth _health;
    private readonly PriorityWeightedSelectionPolicy _policy = PriorityWeightedSelectionPolicy.Instance;

    public QuotaAwareSelectionTests()
    {
        _health = new InMemoryBackendHealth(_time, () => new ForwardingOptions());
    }

    private static BackendQuotaReading Tokens(long remaining, long limit = 1000) => new(limit, remaining, null, null);

    [Fact]
    public void Select_BackendCannotFitTheEstimate_SkippedWhileAnotherInTheTierCan()
    {
        var pool = TestPools.Pool((0, 1000), (0, 1));
        _health.ReportQuota(pool.Backends[0], Tokens(remaining: 199));

        // Even the heaviest weight and a pick that lands on it cannot send the request where it would get a 429.
        Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 200, new FixedRandom(0)));
        Assert.Same(pool.Backends[0], _policy.Select(pool, _health, tried: 0, estimatedTokens: 199, new FixedRandom(0)));
    }

    [Fact]
    public void Select_NoBackendOfTheTierFits_StaysInTheTierByWeight()
    {
        var pool = TestPools.Pool((0, 1), (0, 1), (1, 1));
        _health.ReportQuota(pool.Backends[0], Tokens(remaining: 100));
        _health.ReportQuota(pool.Backends[1], Tokens(remaining: 300));

        // Fractions 0.1 and 0.3: b0 owns [0, 0.25) of the draw.
        Assert.Same(pool.Backends[0], _policy.Select(pool, _health, tried: 0, estimatedTokens: 500, new FixedRandom(0.2499)));
        Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 500, new FixedRandom(0.2501)));
    }

    [Fact]
    public void Select_WeightScaledByRemainingFraction_ExactBoundary()
    {
        var pool = TestPools.Pool((0, 2), (0, 1));
        _health.ReportQuota(pool.Backends[0], Tokens(remaining: 250));   // 2 × 0.25 = 0.5
        // b1 sends no headers: fraction 1, weight 1. b0 owns [0, 1/3) of the draw.

        Assert.Same(pool.Backends[0], _policy.Select(pool, _health, tried: 0, estimatedTokens: 10, new FixedRandom(0.3333)));
        Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 10, new FixedRandom(0.3334)));
    }

    [Fact]
    public void Select_RequestsLeftZero_CannotFitWhateverTheTokens()
    {
        var pool = TestPools.Pool((0, 1), (0, 1));
        _health.ReportQuota(pool.Backends[0], new BackendQuotaReading(100_000, 100_000, 10, 0));

        Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 1, new FixedRandom(0)));

        // The request budget is per 10 seconds: after it the backend is back at full weight.
        _time.Advance(BackendQuotaRecord.RequestWindow);
        Assert.Same(pool.Backends[0], _policy.Select(pool, _health, tried: 0, estimatedTokens: 1, new FixedRandom(0.4999)));
    }

    [Fact]
    public void Select_AlmostEmptyButFitting_KeepsTheMinimumWeight()
    {
        var pool = TestPools.Pool((0, 1), (0, 1));
        _health.ReportQuota(pool.Backends[0], Tokens(remaining: 5));   // fraction 0.005, floored at 0.01

        var share = PriorityWeightedSelectionPolicy.MinimumQuotaFraction / (1 + PriorityWeightedSelectionPolicy.MinimumQuotaFraction);
        Assert.Same(pool.Backends[0], _policy.Select(pool, _health, tried: 0, estimatedTokens: 5, new FixedRandom(share * 0.999)));
        Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 5, new FixedRandom(share * 1.001)));
    }

    [Fact]
    public void Select_SentSinceTheReading_CountsUntilTheNextReading()
    {
        var pool = TestPools.Pool((0, 1), (0, 1));
        var b0 = pool.Backends[0];
        _health.ReportQuota(b0, Tokens(remaining: 1000));
        _health.ReportSent(b0, 600);

        Assert.Equal(400, _health.Quota(b0).RemainingTokens);
        Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 500, new FixedRandom(0)));

        // The backend's next headers include what was sent: they replace the gateway's own count.
        _health.ReportQuota(b0, Tokens(remaining: 700));
        Assert.Equal(700, _health.Quota(b0).RemainingTokens);
        Assert.Same(b0, _policy.Select(pool, _health, tried: 0, estimatedTokens: 500, new FixedRandom(0)));
    }

    [Fact]
    public void Select_CoolingBackendWithQuota_NotChosenOverAvailableOne()
    {
        var pool = TestPools.Pool((0, 1), (0, 1));
        _health.ReportQuota(pool.Backends[1], Tokens(remaining: 0));
        _health.ReportThrottled(pool.Backends[0], Start.AddSeconds(5));

        // Availability comes first: the only available backend is used even without room (its 429 cools it).
        Assert.Same(pool.Backends[1], _policy.Select(pool, _health, tried: 0, estimatedTokens: 100, new FixedRandom(0.9)));
    }
}
