using Microsoft.Extensions.Time.Testing;
using Tokengate.Configuration;
using Tokengate.Routing;
using Tokengate.Secrets;

namespace Tokengate.IntegrationTests.Routing;

/// <summary>
/// What every <see cref="IBackendHealth"/> promises, run against each implementation by the classes that derive from
/// this one (in memory; Redis). Every test gets a fresh store on a fake clock, for pool <c>pool</c> (spillover at 90 %)
/// with backends <c>standard</c>, <c>other</c> and the provisioned <c>ptu</c>, compiled from options as the gateway compiles them.
/// </summary>
public abstract class BackendHealthContractTests : IAsyncLifetime
{
    private protected static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private protected static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    private protected BackendHealthContractTests()
    {
        var snapshot = new GatewaySnapshotBuilder(new EnvironmentSecretResolver(), Time).Build(Gateway);
        Pool = snapshot.PoolsByName["pool"];
        (Standard, Other, Provisioned) = (Pool.Backends[0], Pool.Backends[1], Pool.Backends[2]);
    }

    private protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>The configuration the store reads its breaker options (and, shared, its backends) from.</summary>
    private protected GatewayOptions Gateway { get; } = new()
    {
        Forwarding = new ForwardingOptions
        {
            BreakerFailureRatio = 0.5,
            BreakerMinimumThroughput = 4,
            BreakerSamplingDuration = TimeSpan.FromSeconds(30),
            BreakerOpenDuration = TimeSpan.FromSeconds(30),
            UtilizationReadingLifetime = TimeSpan.FromSeconds(2),
        },
        Pools =
        {
            ["pool"] = new PoolOptions
            {
                SpilloverUtilizationPercent = 90,
                Backends = [Backend("standard", BackendType.Standard), Backend("other", BackendType.Standard), Backend("ptu", BackendType.Provisioned)],
            },
        },
    };

    private protected ForwardingOptions Forwarding => Gateway.Forwarding;

    private protected Pool Pool { get; }

    private protected Backend Standard { get; }

    private protected Backend Other { get; }

    private protected Backend Provisioned { get; }

    /// <summary>The store under test.</summary>
    private protected abstract IBackendHealth Health { get; }

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    private static BackendOptions Backend(string name, BackendType type) => new()
    {
        Name = name, Endpoint = $"https://{name}.example.com", Deployment = "gpt-4o", Model = "gpt-4o", Auth = BackendAuthMode.None, Type = type,
    };

    private protected Pool Single(Backend backend, double spillover = 90) => new($"single-{backend.Name}", [backend], PriorityWeightedSelectionPolicy.Instance, spillover);

    private protected void OpenCircuit(Backend backend, DateTimeOffset? until = null)
    {
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput; i++) Health.ReportFailure(backend, until ?? Time.GetUtcNow());
    }

    private static BackendQuotaReading Tokens(long remaining, long limit = 1000) => new(limit, remaining, null, null);

    // Cooldowns.

    [Fact]
    public void IsAvailable_NothingReported_True()
    {
        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.True(Health.IsAvailable(Provisioned, Pool));
        Assert.True(Health.TryBeginAttempt(Standard));
        Assert.True(Health.TryBeginAttempt(Standard));
        var record = Health.Describe(Standard);
        Assert.Equal((null, null, null, default(AttemptCounts)), (record.CoolingUntil, record.CircuitOpenUntil, record.ThrottledUntil, record.Recent));
    }

    [Fact]
    public void ReportThrottled_UnavailableUntilExactlyTheGivenTime_OtherBackendsUnaffected()
    {
        var until = Start.AddSeconds(7);
        Health.ReportThrottled(Standard, until);

        Assert.False(Health.IsAvailable(Standard, Pool));
        Assert.True(Health.IsAvailable(Other, Pool));
        Assert.Equal((until, until), (Health.Describe(Standard).CoolingUntil, Health.Describe(Standard).ThrottledUntil));
        Time.Advance(until - Start - OneTick);
        Assert.False(Health.IsAvailable(Standard, Pool));
        Time.Advance(OneTick);
        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.Null(Health.Describe(Standard).CoolingUntil);
    }

    [Fact]
    public void ReportThrottled_ShorterLaterCooldown_DoesNotShortenTheFirst()
    {
        Health.ReportThrottled(Standard, Start.AddSeconds(10));
        Health.ReportThrottled(Standard, Start.AddSeconds(2));

        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(Health.IsAvailable(Standard, Pool));
        Assert.Equal(Start.AddSeconds(10), Health.Describe(Standard).CoolingUntil);
    }

    [Fact]
    public void ReportThrottled_DoesNotCountTowardTheBreaker()
    {
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput * 2; i++) Health.ReportThrottled(Standard, Start);

        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.Null(Health.Describe(Standard).CircuitOpenUntil);
        Assert.Equal(default, Health.Describe(Standard).Recent);
    }

    [Fact]
    public void ReportFailure_WithoutRest_BackendStaysAvailable()
    {
        Health.ReportFailure(Standard, null);

        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.Null(Health.Describe(Standard).CoolingUntil);
        Assert.Equal(new AttemptCounts(0, 1, 0), Health.Describe(Standard).Recent);
    }

    [Fact]
    public void ReportFailure_WithRest_UnavailableUntilItEnds_AndTheRestIsNotThrottling()
    {
        Health.ReportFailure(Standard, Start.AddSeconds(45));

        Assert.Equal((Start.AddSeconds(45), (DateTimeOffset?)null), (Health.Describe(Standard).CoolingUntil, Health.Describe(Standard).ThrottledUntil));
        Time.Advance(TimeSpan.FromSeconds(45) - OneTick);
        Assert.False(Health.IsAvailable(Standard, Pool));
        Time.Advance(OneTick);
        Assert.True(Health.IsAvailable(Standard, Pool));
    }

    // The breaker.

    [Fact]
    public void ReportFailure_BelowMinimumThroughput_CircuitStaysClosed()
    {
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput - 1; i++) Health.ReportFailure(Standard, null);

        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.True(Health.TryBeginAttempt(Standard));
        var record = Health.Describe(Standard);
        Assert.Null(record.CircuitOpenUntil);
        Assert.Equal(new AttemptCounts(0, Forwarding.BreakerMinimumThroughput - 1, 0), record.Recent);
    }

    [Fact]
    public void ReportFailure_RatioBelowThreshold_CircuitStaysClosed_AtTheRatioItOpens()
    {
        // 3 failures in 7 attempts: 43% < 50%.
        for (var i = 0; i < 4; i++) Health.ReportSuccess(Standard);
        for (var i = 0; i < 3; i++) Health.ReportFailure(Standard, null);

        Assert.Null(Health.Describe(Standard).CircuitOpenUntil);
        Health.ReportFailure(Standard, null);  // 4 in 8: 50%
        Assert.Equal(Start + Forwarding.BreakerOpenDuration, Health.Describe(Standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportSuccess_DilutesTheFailureRatio()
    {
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput - 1; i++) Health.ReportFailure(Standard, null);
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput * 2; i++) Health.ReportSuccess(Standard);
        Health.ReportFailure(Standard, null);

        Assert.True(Health.TryBeginAttempt(Standard));
        Assert.Null(Health.Describe(Standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportFailure_FailuresOlderThanTheSamplingWindow_DoNotCount()
    {
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput - 1; i++) Health.ReportFailure(Standard, null);
        Time.Advance(Forwarding.BreakerSamplingDuration + TimeSpan.FromSeconds(3));

        Health.ReportFailure(Standard, null);

        Assert.Null(Health.Describe(Standard).CircuitOpenUntil);
        Assert.Equal(1, Health.Describe(Standard).Recent.Failures);
    }

    [Fact]
    public void ReportFailure_SpreadOverTheWindow_OpensTheCircuit()
    {
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput; i++)
        {
            Health.ReportFailure(Standard, null);
            Time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.NotNull(Health.Describe(Standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportFailure_ThresholdReached_CircuitOpenForBreakerOpenDuration()
    {
        OpenCircuit(Standard);

        Assert.Equal(Start + Forwarding.BreakerOpenDuration, Health.Describe(Standard).CircuitOpenUntil);
        Assert.False(Health.IsAvailable(Standard, Pool));
        Assert.False(Health.TryBeginAttempt(Standard));
        Assert.True(Health.IsAvailable(Other, Pool));
        Time.Advance(Forwarding.BreakerOpenDuration - OneTick);
        Assert.False(Health.IsAvailable(Standard, Pool));
        Assert.False(Health.TryBeginAttempt(Standard));
        Time.Advance(OneTick);
        Assert.True(Health.IsAvailable(Standard, Pool));
    }

    [Fact]
    public void ReportDisputed_Alone_NeverOpensTheCircuit()
    {
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput * 5; i++) Health.ReportDisputed(Standard);

        var record = Health.Describe(Standard);
        Assert.Null(record.CircuitOpenUntil);
        Assert.Null(record.CoolingUntil);
        Assert.Equal(new AttemptCounts(0, 0, Forwarding.BreakerMinimumThroughput * 5), record.Recent);
        Assert.True(Health.IsAvailable(Standard, Pool));
    }

    [Fact]
    public void ReportFailure_NothingSucceededAndOneFailureWasTheBackendsAlone_OpensTheCircuit()
    {
        // A backend that fails everything is not saved by its failures being disputed by another failing backend.
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput - 1; i++) Health.ReportDisputed(Standard);
        Assert.Null(Health.Describe(Standard).CircuitOpenUntil);

        Health.ReportFailure(Standard, null);

        Assert.Equal(Start + Forwarding.BreakerOpenDuration, Health.Describe(Standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportFailure_DisputedFailuresWhileOthersSucceed_CircuitStaysClosed()
    {
        // The pattern of one consumer's unprocessable requests next to another's good ones.
        for (var i = 0; i < Forwarding.BreakerMinimumThroughput; i++)
        {
            Health.ReportDisputed(Standard);
            Health.ReportSuccess(Standard);
        }
        Health.ReportFailure(Standard, null);

        Assert.Null(Health.Describe(Standard).CircuitOpenUntil);
    }

    // Half-open.

    [Fact]
    public void TryBeginAttempt_HalfOpen_GrantsExactlyOneProbe()
    {
        OpenCircuit(Standard);
        Time.Advance(Forwarding.BreakerOpenDuration);

        Assert.True(Health.TryBeginAttempt(Standard));
        Assert.False(Health.TryBeginAttempt(Standard));
        Assert.False(Health.IsAvailable(Standard, Pool));
    }

    [Fact]
    public void TryBeginAttempt_HalfOpen_ManyConcurrently_GrantsExactlyOneProbe()
    {
        OpenCircuit(Standard);
        Time.Advance(Forwarding.BreakerOpenDuration);

        var claims = new bool[32];
        Parallel.For(0, claims.Length, i => claims[i] = Health.TryBeginAttempt(Standard));

        Assert.Equal(1, claims.Count(c => c));
    }

    [Fact]
    public void ReportFailure_ProbeFails_CircuitReopensForBreakerOpenDuration()
    {
        OpenCircuit(Standard);
        Time.Advance(Forwarding.BreakerOpenDuration);
        Assert.True(Health.TryBeginAttempt(Standard));
        var probeFailedAt = Time.GetUtcNow();

        Health.ReportFailure(Standard, probeFailedAt);

        Assert.Equal(probeFailedAt + Forwarding.BreakerOpenDuration, Health.Describe(Standard).CircuitOpenUntil);
        Assert.False(Health.IsAvailable(Standard, Pool));
        Assert.False(Health.TryBeginAttempt(Standard));
        Time.Advance(Forwarding.BreakerOpenDuration - OneTick);
        Assert.False(Health.TryBeginAttempt(Standard));
        Time.Advance(OneTick);
        Assert.True(Health.TryBeginAttempt(Standard));
    }

    [Fact]
    public void ReportSuccess_AfterProbe_ClosesTheCircuit_AndStartsAFreshWindow()
    {
        OpenCircuit(Standard);
        Time.Advance(Forwarding.BreakerOpenDuration);
        Assert.True(Health.TryBeginAttempt(Standard));

        Health.ReportSuccess(Standard);

        var record = Health.Describe(Standard);
        Assert.Null(record.CircuitOpenUntil);
        Assert.Equal(new AttemptCounts(1, 0, 0), record.Recent);
        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.True(Health.TryBeginAttempt(Standard));
        Assert.True(Health.TryBeginAttempt(Standard));
    }

    [Fact]
    public void ReportThrottled_Probe_ClosesTheCircuit_AndTheBackendRestsForItsRetryAfter()
    {
        // A 429 proves the backend is alive: the probe's slot is not left taken, and the rest is throttling.
        OpenCircuit(Standard);
        Time.Advance(Forwarding.BreakerOpenDuration);
        Assert.True(Health.TryBeginAttempt(Standard));

        Health.ReportThrottled(Standard, Time.GetUtcNow().AddSeconds(5));

        Assert.Null(Health.Describe(Standard).CircuitOpenUntil);
        Assert.Equal(new PoolRecovery(Time.GetUtcNow().AddSeconds(5), Throttled: true), Health.EarliestRecovery(Single(Standard)));
        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.True(Health.TryBeginAttempt(Standard));
        Assert.True(Health.TryBeginAttempt(Standard));
    }

    [Fact]
    public void ReportDisputed_HalfOpenProbe_ReleasedWithoutReopening()
    {
        OpenCircuit(Standard);
        Time.Advance(Forwarding.BreakerOpenDuration);
        Assert.True(Health.TryBeginAttempt(Standard));

        Health.ReportDisputed(Standard);

        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.True(Health.TryBeginAttempt(Standard));
        Assert.False(Health.TryBeginAttempt(Standard));
    }

    [Fact]
    public void ReportAbandoned_ReleasesTheProbe()
    {
        OpenCircuit(Standard);
        Time.Advance(Forwarding.BreakerOpenDuration);
        Assert.True(Health.TryBeginAttempt(Standard));

        Health.ReportAbandoned(Standard);

        Assert.True(Health.IsAvailable(Standard, Pool));
        Assert.True(Health.TryBeginAttempt(Standard));
        Assert.False(Health.TryBeginAttempt(Standard));
    }

    // Spillover.

    [Fact]
    public void IsAvailable_ProvisionedAtSpilloverThreshold_UnavailableWhileReadingFresh()
    {
        Health.ReportUtilization(Provisioned, 90);

        Assert.False(Health.IsAvailable(Provisioned, Pool));
        Time.Advance(Forwarding.UtilizationReadingLifetime - OneTick);
        Assert.False(Health.IsAvailable(Provisioned, Pool));
        Time.Advance(OneTick);
        Assert.True(Health.IsAvailable(Provisioned, Pool));
    }

    [Fact]
    public void IsAvailable_ProvisionedJustBelowThreshold_Available()
    {
        Health.ReportUtilization(Provisioned, 89.9);

        Assert.True(Health.IsAvailable(Provisioned, Pool));
    }

    [Fact]
    public void IsAvailable_LowerReadingAfterSpill_AvailableAgain()
    {
        Health.ReportUtilization(Provisioned, 97.5);
        Assert.False(Health.IsAvailable(Provisioned, Pool));

        Health.ReportUtilization(Provisioned, 40);

        Assert.True(Health.IsAvailable(Provisioned, Pool));
    }

    [Fact]
    public void IsAvailable_StandardBackendHighUtilization_NeverSpills()
    {
        Health.ReportUtilization(Standard, 150);

        Assert.True(Health.IsAvailable(Standard, Pool));
    }

    [Fact]
    public void IsAvailable_SpilloverDisabledInPool_ProvisionedAvailable()
    {
        Health.ReportUtilization(Provisioned, 100);

        Assert.True(Health.IsAvailable(Provisioned, Single(Provisioned, spillover: 0)));
    }

    [Fact]
    public void IgnoringSpillover_SpillingProvisioned_Available()
    {
        Health.ReportUtilization(Provisioned, 99);

        Assert.False(Health.IsAvailable(Provisioned, Pool));
        Assert.True(Health.IgnoringSpillover.IsAvailable(Provisioned, Pool));
    }

    [Fact]
    public void IgnoringSpillover_CoolingOrOpenBackend_StillUnavailable()
    {
        Health.ReportThrottled(Provisioned, Start.AddSeconds(3));
        OpenCircuit(Other);

        Assert.False(Health.IgnoringSpillover.IsAvailable(Provisioned, Pool));
        Assert.False(Health.IgnoringSpillover.IsAvailable(Other, Pool));
    }

    [Fact]
    public void Describe_Utilization_ReportsLastReading()
    {
        Assert.Null(Health.Describe(Provisioned).UtilizationPercent);

        Health.ReportUtilization(Provisioned, 42.7);

        Assert.Equal(42.7, Health.Describe(Provisioned).UtilizationPercent);
    }

    // When a pool recovers.

    [Fact]
    public void EarliestRecovery_OneBackendAvailable_Now()
    {
        Health.ReportThrottled(Standard, Start.AddSeconds(10));
        Health.ReportThrottled(Other, Start.AddSeconds(20));

        Assert.Equal(new PoolRecovery(Start, false), Health.EarliestRecovery(Pool));
    }

    [Fact]
    public void EarliestRecovery_AllResting_EarliestOfCooldownsAndOpenCircuits()
    {
        Health.ReportThrottled(Standard, Start.AddSeconds(40));
        OpenCircuit(Other);  // open until Start + 30 s
        Health.ReportThrottled(Provisioned, Start.AddSeconds(50));

        Assert.Equal(new PoolRecovery(Start.AddSeconds(30), Throttled: false), Health.EarliestRecovery(Pool));
    }

    [Fact]
    public void EarliestRecovery_FirstBackBackendWasThrottled_Throttled()
    {
        Health.ReportThrottled(Standard, Start.AddSeconds(20));
        OpenCircuit(Other);  // open until Start + 30 s
        Health.ReportFailure(Provisioned, Start.AddSeconds(25));

        Assert.Equal(new PoolRecovery(Start.AddSeconds(20), Throttled: true), Health.EarliestRecovery(Pool));
    }

    [Fact]
    public void EarliestRecovery_ThrottledBackendsCircuitOpensLonger_NotThrottled()
    {
        Health.ReportThrottled(Standard, Start.AddSeconds(5));
        OpenCircuit(Standard);

        Assert.Equal(new PoolRecovery(Start + Forwarding.BreakerOpenDuration, Throttled: false), Health.EarliestRecovery(Single(Standard)));
    }

    [Fact]
    public void EarliestRecovery_CooldownBeyondOpenCircuit_UsesTheLaterOfTheTwoPerBackend()
    {
        OpenCircuit(Standard, until: Start.AddSeconds(45));

        Assert.Equal(new PoolRecovery(Start.AddSeconds(45), false), Health.EarliestRecovery(Single(Standard)));
    }

    [Fact]
    public void EarliestRecovery_AfterCooldownsPass_Now()
    {
        Health.ReportThrottled(Standard, Start.AddSeconds(10));
        Health.ReportThrottled(Other, Start.AddSeconds(10));
        Health.ReportThrottled(Provisioned, Start.AddSeconds(10));
        Time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(new PoolRecovery(Start.AddSeconds(15), false), Health.EarliestRecovery(Pool));
    }

    // Quota and the gateway's own count.

    [Fact]
    public void Quota_SentSinceTheReading_CountsUntilTheNextReading()
    {
        Health.ReportQuota(Standard, Tokens(remaining: 1000));
        Health.ReportSent(Standard, 600);
        Assert.Equal(400, Health.Quota(Standard).RemainingTokens);
        Assert.Equal(400, Health.IgnoringSpillover.Quota(Standard).RemainingTokens);

        // The backend's next headers include what was sent: they replace the gateway's own count.
        Health.ReportQuota(Standard, Tokens(remaining: 700));
        Assert.Equal(700, Health.Quota(Standard).RemainingTokens);
        Assert.Equal(BackendQuota.Unknown, Health.Quota(Other));
    }

    [Fact]
    public void Quota_ReadingAges_UsageDrainsLinearlyOverTheMinute()
    {
        Health.ReportQuota(Standard, new BackendQuotaReading(1000, 0, 60, 20));

        Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(new BackendQuota(250, 1000, 60, 60), Health.Quota(Standard));  // requests: 10 s window, refreshed
        Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(500, Health.Quota(Standard).RemainingTokens);
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1000, Health.Quota(Standard).RemainingTokens);
    }

    [Fact]
    public void Quota_RemainingWithoutLimit_TrustedForOneWindowThenUnknown()
    {
        Health.ReportQuota(Standard, new BackendQuotaReading(null, 300, null, null));
        Health.ReportSent(Standard, 100);

        Assert.Equal(new BackendQuota(200, null, null, null), Health.Quota(Standard));
        Assert.Equal(1.0, Health.Quota(Standard).RemainingFraction);
        Time.Advance(BackendQuotaRecord.TokenWindow);
        Assert.Equal(BackendQuota.Unknown, Health.Quota(Standard));
    }

    [Fact]
    public void Quota_NoHeadersEver_UnknownAndFitsAnything()
    {
        Health.ReportSent(Standard, 5000);
        Health.ReportQuota(Standard, default);

        var quota = Health.Quota(Standard);
        Assert.Equal(BackendQuota.Unknown, quota);
        Assert.True(quota.Fits(long.MaxValue));
        Assert.Equal(1.0, quota.RemainingFraction);
        Assert.Null(Health.Describe(Standard).QuotaReadAt);
    }

    [Fact]
    public void Describe_GatewayCount_EstimatesSettledToActual_SlidingOverTwoMinutes()
    {
        Health.ReportSent(Standard, 100);
        Health.ReportSent(Standard, 100);
        Health.ReportSettled(Standard, 100, 40);

        var now = Health.Describe(Standard);
        Assert.Equal((140, 2), (now.TokensPerMinute, now.RequestsPerMinute));

        Time.Advance(TimeSpan.FromSeconds(90));  // half of the last minute still inside the window
        Assert.Equal((70, 1), (Health.Describe(Standard).TokensPerMinute, Health.Describe(Standard).RequestsPerMinute));
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal((0, 0), (Health.Describe(Standard).TokensPerMinute, Health.Describe(Standard).RequestsPerMinute));
    }

    [Fact]
    public void Describe_AfterAReading_ShowsTheProjectedQuotaAndWhenItWasRead()
    {
        Health.ReportQuota(Standard, Tokens(remaining: 400));
        Time.Advance(TimeSpan.FromSeconds(6));

        var record = Health.Describe(Standard);
        Assert.Equal(Start, record.QuotaReadAt);
        Assert.Equal(460, record.Quota.RemainingTokens);  // 600 used, a tenth of the minute drained
    }
}
