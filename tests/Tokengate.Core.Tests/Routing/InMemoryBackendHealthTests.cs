using Microsoft.Extensions.Time.Testing;
using Tokengate.Configuration;

namespace Tokengate.Routing;

public class InMemoryBackendHealthTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly ForwardingOptions _options = new()
    {
        BreakerFailureRatio = 0.5,
        BreakerMinimumThroughput = 4,
        BreakerSamplingDuration = TimeSpan.FromSeconds(30),
        BreakerOpenDuration = TimeSpan.FromSeconds(30),
        UtilizationReadingLifetime = TimeSpan.FromSeconds(2),
    };

    private readonly InMemoryBackendHealth _health;
    private readonly Backend _standard = TestPools.Backend("standard", 0);
    private readonly Backend _other = TestPools.Backend("other", 1);
    private readonly Backend _provisioned = TestPools.Backend("ptu", 2, type: BackendType.Provisioned);
    private readonly Pool _pool;

    public InMemoryBackendHealthTests()
    {
        _health = new InMemoryBackendHealth(_time, () => _options);
        _pool = new Pool("pool", [_standard, _other, _provisioned], PriorityWeightedSelectionPolicy.Instance, 90);
    }

    [Fact]
    public void IsAvailable_NothingReported_True()
    {
        Assert.True(_health.IsAvailable(_standard, _pool));
        Assert.True(_health.IsAvailable(_provisioned, _pool));
        Assert.True(_health.TryBeginAttempt(_standard));
    }

    [Fact]
    public void ReportThrottled_UnavailableUntilExactlyTheGivenTime()
    {
        var until = Start.AddSeconds(7);
        _health.ReportThrottled(_standard, until);

        Assert.False(_health.IsAvailable(_standard, _pool));
        _time.Advance(until - Start - OneTick);
        Assert.False(_health.IsAvailable(_standard, _pool));
        _time.Advance(OneTick);
        Assert.True(_health.IsAvailable(_standard, _pool));
    }

    [Fact]
    public void ReportThrottled_OtherBackendUnaffected()
    {
        _health.ReportThrottled(_standard, Start.AddSeconds(7));

        Assert.True(_health.IsAvailable(_other, _pool));
    }

    [Fact]
    public void ReportThrottled_ShorterLaterCooldown_DoesNotShortenTheFirst()
    {
        _health.ReportThrottled(_standard, Start.AddSeconds(10));
        _health.ReportThrottled(_standard, Start.AddSeconds(2));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(_health.IsAvailable(_standard, _pool));
        Assert.Equal(Start.AddSeconds(10), _health.Describe(_standard).CoolingUntil);
    }

    [Fact]
    public void ReportThrottled_DoesNotCountTowardTheBreaker()
    {
        for (var i = 0; i < _options.BreakerMinimumThroughput * 2; i++) _health.ReportThrottled(_standard, Start);

        Assert.True(_health.IsAvailable(_standard, _pool));
        Assert.Null(_health.Describe(_standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportFailure_BelowMinimumThroughput_CircuitStaysClosed()
    {
        for (var i = 0; i < _options.BreakerMinimumThroughput - 1; i++) _health.ReportFailure(_standard, null);

        Assert.True(_health.IsAvailable(_standard, _pool));
        Assert.True(_health.TryBeginAttempt(_standard));
        var record = _health.Describe(_standard);
        Assert.Equal(_options.BreakerMinimumThroughput - 1, record.Recent.Failures);
        Assert.Equal(_options.BreakerMinimumThroughput - 1, record.Recent.Attempts);
    }

    [Fact]
    public void ReportFailure_WithoutRest_BackendStaysAvailable()
    {
        _health.ReportFailure(_standard, null);

        Assert.True(_health.IsAvailable(_standard, _pool));
        Assert.Null(_health.Describe(_standard).CoolingUntil);
    }

    [Fact]
    public void ReportFailure_RatioBelowThreshold_CircuitStaysClosed()
    {
        // 3 failures in 7 attempts: 43% < 50%.
        for (var i = 0; i < 4; i++) _health.ReportSuccess(_standard);
        for (var i = 0; i < 3; i++) _health.ReportFailure(_standard, null);

        Assert.Null(_health.Describe(_standard).CircuitOpenUntil);
        _health.ReportFailure(_standard, null);  // 4 in 8: 50%
        Assert.Equal(Start + _options.BreakerOpenDuration, _health.Describe(_standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportFailure_FailuresOlderThanTheSamplingWindow_DoNotCount()
    {
        for (var i = 0; i < _options.BreakerMinimumThroughput - 1; i++) _health.ReportFailure(_standard, null);
        _time.Advance(_options.BreakerSamplingDuration + TimeSpan.FromSeconds(3));

        _health.ReportFailure(_standard, null);

        Assert.Null(_health.Describe(_standard).CircuitOpenUntil);
        Assert.Equal(1, _health.Describe(_standard).Recent.Failures);
    }

    [Fact]
    public void ReportFailure_SpreadOverTheWindow_OpensTheCircuit()
    {
        for (var i = 0; i < _options.BreakerMinimumThroughput; i++)
        {
            _health.ReportFailure(_standard, null);
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.NotNull(_health.Describe(_standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportDisputed_Alone_NeverOpensTheCircuit()
    {
        for (var i = 0; i < _options.BreakerMinimumThroughput * 5; i++) _health.ReportDisputed(_standard);

        var record = _health.Describe(_standard);
        Assert.Null(record.CircuitOpenUntil);
        Assert.Null(record.CoolingUntil);
        Assert.Equal(new AttemptCounts(0, 0, _options.BreakerMinimumThroughput * 5), record.Recent);
        Assert.True(_health.IsAvailable(_standard, _pool));
    }

    [Fact]
    public void ReportFailure_NothingSucceededAndOneFailureWasTheBackendsAlone_OpensTheCircuit()
    {
        // A backend that fails everything is not saved by its failures being disputed by another failing backend.
        for (var i = 0; i < _options.BreakerMinimumThroughput - 1; i++) _health.ReportDisputed(_standard);
        Assert.Null(_health.Describe(_standard).CircuitOpenUntil);

        _health.ReportFailure(_standard, null);

        Assert.Equal(Start + _options.BreakerOpenDuration, _health.Describe(_standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportFailure_DisputedFailuresWhileOthersSucceed_CircuitStaysClosed()
    {
        // The pattern of one consumer's unprocessable requests next to another's good ones.
        for (var i = 0; i < _options.BreakerMinimumThroughput; i++)
        {
            _health.ReportDisputed(_standard);
            _health.ReportSuccess(_standard);
        }
        _health.ReportFailure(_standard, null);

        Assert.Null(_health.Describe(_standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportDisputed_HalfOpenProbe_ReleasedWithoutReopening()
    {
        OpenCircuit(_standard);
        _time.Advance(_options.BreakerOpenDuration);
        Assert.True(_health.TryBeginAttempt(_standard));

        _health.ReportDisputed(_standard);

        Assert.True(_health.TryBeginAttempt(_standard));
    }

    [Fact]
    public void ReportFailure_ThresholdReached_CircuitOpenForBreakerOpenDuration()
    {
        OpenCircuit(_standard);

        Assert.Equal(Start + _options.BreakerOpenDuration, _health.Describe(_standard).CircuitOpenUntil);
        Assert.False(_health.IsAvailable(_standard, _pool));
        Assert.False(_health.TryBeginAttempt(_standard));
        _time.Advance(_options.BreakerOpenDuration - OneTick);
        Assert.False(_health.IsAvailable(_standard, _pool));
        Assert.False(_health.TryBeginAttempt(_standard));
        _time.Advance(OneTick);
        Assert.True(_health.IsAvailable(_standard, _pool));
    }

    [Fact]
    public void TryBeginAttempt_HalfOpen_GrantsExactlyOneProbe()
    {
        OpenCircuit(_standard);
        _time.Advance(_options.BreakerOpenDuration);

        Assert.True(_health.TryBeginAttempt(_standard));
        Assert.False(_health.TryBeginAttempt(_standard));
        Assert.False(_health.IsAvailable(_standard, _pool));
    }

    [Fact]
    public void ReportFailure_ProbeFails_CircuitReopensForBreakerOpenDuration()
    {
        OpenCircuit(_standard);
        _time.Advance(_options.BreakerOpenDuration);
        Assert.True(_health.TryBeginAttempt(_standard));
        var probeFailedAt = _time.GetUtcNow();

        _health.ReportFailure(_standard, probeFailedAt);

        Assert.Equal(probeFailedAt + _options.BreakerOpenDuration, _health.Describe(_standard).CircuitOpenUntil);
        Assert.False(_health.IsAvailable(_standard, _pool));
        Assert.False(_health.TryBeginAttempt(_standard));
        _time.Advance(_options.BreakerOpenDuration - OneTick);
        Assert.False(_health.TryBeginAttempt(_standard));
        _time.Advance(OneTick);
        Assert.True(_health.TryBeginAttempt(_standard));
    }

    [Fact]
    public void ReportSuccess_AfterProbe_ClosesCircuit()
    {
        OpenCircuit(_standard);
        _time.Advance(_options.BreakerOpenDuration);
        Assert.True(_health.TryBeginAttempt(_standard));

        _health.ReportSuccess(_standard);

        var record = _health.Describe(_standard);
        Assert.Null(record.CircuitOpenUntil);
        Assert.Equal(0, record.Recent.Failures);
        Assert.True(_health.IsAvailable(_standard, _pool));
        Assert.True(_health.TryBeginAttempt(_standard));
        Assert.True(_health.TryBeginAttempt(_standard));
    }

    [Fact]
    public void ReportSuccess_DilutesTheFailureRatio()
    {
        for (var i = 0; i < _options.BreakerMinimumThroughput - 1; i++) _health.ReportFailure(_standard, null);
        for (var i = 0; i < _options.BreakerMinimumThroughput * 2; i++) _health.ReportSuccess(_standard);
        _health.ReportFailure(_standard, null);

        Assert.True(_health.TryBeginAttempt(_standard));
        Assert.Null(_health.Describe(_standard).CircuitOpenUntil);
    }

    [Fact]
    public void ReportAbandoned_ReleasesProbe()
    {
        OpenCircuit(_standard);
        _time.Advance(_options.BreakerOpenDuration);
        Assert.True(_health.TryBeginAttempt(_standard));

        _health.ReportAbandoned(_standard);

        Assert.True(_health.IsAvailable(_standard, _pool));
        Assert.True(_health.TryBeginAttempt(_standard));
        Assert.False(_health.TryBeginAttempt(_standard));
    }

    [Fact]
    public void ReportFailure_CooldownLongerThanCircuit_UnavailableUntilCooldownEnds()
    {
        _health.ReportFailure(_standard, Start.AddSeconds(45));

        _time.Advance(TimeSpan.FromSeconds(45) - OneTick);
        Assert.False(_health.IsAvailable(_standard, _pool));
        _time.Advance(OneTick);
        Assert.True(_health.IsAvailable(_standard, _pool));
    }

    [Fact]
    public void IsAvailable_ProvisionedAtSpilloverThreshold_UnavailableWhileReadingFresh()
    {
        _health.ReportUtilization(_provisioned, 90);

        Assert.False(_health.IsAvailable(_provisioned, _pool));
        _time.Advance(_options.UtilizationReadingLifetime - OneTick);
        Assert.False(_health.IsAvailable(_provisioned, _pool));
        _time.Advance(OneTick);
        Assert.True(_health.IsAvailable(_provisioned, _pool));
    }

    [Fact]
    public void IsAvailable_ProvisionedJustBelowThreshold_Available()
    {
        _health.ReportUtilization(_provisioned, 89.9);

        Assert.True(_health.IsAvailable(_provisioned, _pool));
    }

    [Fact]
    public void IsAvailable_LowerReadingAfterSpill_AvailableAgain()
    {
        _health.ReportUtilization(_provisioned, 97.5);
        Assert.False(_health.IsAvailable(_provisioned, _pool));

        _health.ReportUtilization(_provisioned, 40);

        Assert.True(_health.IsAvailable(_provisioned, _pool));
    }

    [Fact]
    public void IsAvailable_StandardBackendHighUtilization_NeverSpills()
    {
        _health.ReportUtilization(_standard, 150);

        Assert.True(_health.IsAvailable(_standard, _pool));
    }

    [Fact]
    public void IsAvailable_SpilloverDisabledInPool_ProvisionedAvailable()
    {
        var pool = new Pool("nospill", [_provisioned], PriorityWeightedSelectionPolicy.Instance, 0);
        _health.ReportUtilization(_provisioned, 100);

        Assert.True(_health.IsAvailable(_provisioned, pool));
    }

    [Fact]
    public void IgnoringSpillover_SpillingProvisioned_Available()
    {
        _health.ReportUtilization(_provisioned, 99);

        Assert.False(_health.IsAvailable(_provisioned, _pool));
        Assert.True(_health.IgnoringSpillover.IsAvailable(_provisioned, _pool));
    }

    [Fact]
    public void IgnoringSpillover_CoolingBackend_StillUnavailable()
    {
        _health.ReportThrottled(_provisioned, Start.AddSeconds(3));

        Assert.False(_health.IgnoringSpillover.IsAvailable(_provisioned, _pool));
    }

    [Fact]
    public void EarliestRecovery_OneBackendAvailable_Now()
    {
        _health.ReportThrottled(_standard, Start.AddSeconds(10));
        _health.ReportThrottled(_other, Start.AddSeconds(20));

        Assert.Equal(new PoolRecovery(Start, false), _health.EarliestRecovery(_pool));
    }

    [Fact]
    public void EarliestRecovery_AllResting_EarliestOfCooldownsAndOpenCircuits()
    {
        _health.ReportThrottled(_standard, Start.AddSeconds(40));
        OpenCircuit(_other); // open until Start + 30 s
        _health.ReportThrottled(_provisioned, Start.AddSeconds(50));

        Assert.Equal(new PoolRecovery(Start.AddSeconds(30), Throttled: false), _health.EarliestRecovery(_pool));
    }

    [Fact]
    public void EarliestRecovery_FirstBackBackendWasThrottled_Throttled()
    {
        _health.ReportThrottled(_standard, Start.AddSeconds(20));
        OpenCircuit(_other); // open until Start + 30 s
        _health.ReportFailure(_provisioned, Start.AddSeconds(25));

        Assert.Equal(new PoolRecovery(Start.AddSeconds(20), Throttled: true), _health.EarliestRecovery(_pool));
    }

    [Fact]
    public void EarliestRecovery_ThrottledBackendsCircuitOpensLonger_NotThrottled()
    {
        var pool = new Pool("single", [_standard], PriorityWeightedSelectionPolicy.Instance, 90);
        _health.ReportThrottled(_standard, Start.AddSeconds(5));
        OpenCircuit(_standard);

        Assert.Equal(new PoolRecovery(Start + _options.BreakerOpenDuration, Throttled: false), _health.EarliestRecovery(pool));
    }

    [Fact]
    public void EarliestRecovery_CooldownBeyondOpenCircuit_UsesTheLaterOfTheTwoPerBackend()
    {
        var pool = new Pool("single", [_standard], PriorityWeightedSelectionPolicy.Instance, 90);
        OpenCircuit(_standard, until: Start.AddSeconds(45));

        Assert.Equal(new PoolRecovery(Start.AddSeconds(45), false), _health.EarliestRecovery(pool));
    }

    [Fact]
    public void EarliestRecovery_AfterCooldownsPass_Now()
    {
        _health.ReportThrottled(_standard, Start.AddSeconds(10));
        _health.ReportThrottled(_other, Start.AddSeconds(10));
        _health.ReportThrottled(_provisioned, Start.AddSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(new PoolRecovery(Start.AddSeconds(15), false), _health.EarliestRecovery(_pool));
    }

    [Fact]
    public void Describe_Utilization_ReportsLastReading()
    {
        Assert.Null(_health.Describe(_provisioned).UtilizationPercent);

        _health.ReportUtilization(_provisioned, 42.7);

        Assert.Equal(42.7, _health.Describe(_provisioned).UtilizationPercent);
    }

    private void OpenCircuit(Backend backend, DateTimeOffset? until = null)
    {
        for (var i = 0; i < _options.BreakerMinimumThroughput; i++) _health.ReportFailure(backend, until ?? _time.GetUtcNow());
    }
}
