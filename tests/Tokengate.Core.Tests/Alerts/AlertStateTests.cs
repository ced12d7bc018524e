using Microsoft.Extensions.Time.Testing;
using Tokengate.Alerts;

namespace Tokengate.Alerts;

public sealed class AlertStateTests
{
    private static readonly CapacityAlertRule Utilization = new() { Name = "u", Metric = AlertMetric.Utilization, FireAt = 90, ClearAt = 75 };

    [Fact]
    public void Evaluate_FlappingAroundTheThreshold_FiresOnce_AndClearsOnlyBelowClearAt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var state = new AlertState(Utilization, TimeSpan.FromMinutes(15));
        var transitions = new List<AlertTransition>();
        foreach (var value in new double[] { 50, 91, 89, 92, 88, 95, 80, 91, 76 })
        {
            transitions.Add(state.Evaluate(value, time.GetUtcNow()));
            time.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(1, transitions.Count(t => t == AlertTransition.Fired));
        Assert.DoesNotContain(AlertTransition.Cleared, transitions);
        Assert.True(state.Firing);

        Assert.Equal(AlertTransition.Cleared, state.Evaluate(74, time.GetUtcNow()));
        Assert.False(state.Firing);
    }

    [Fact]
    public void Evaluate_RefiringWithinTheMinimumInterval_WaitsForTheInterval()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var state = new AlertState(Utilization, TimeSpan.FromMinutes(15));
        Assert.Equal(AlertTransition.Fired, state.Evaluate(95, time.GetUtcNow()));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertTransition.Cleared, state.Evaluate(10, time.GetUtcNow()));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertTransition.None, state.Evaluate(99, time.GetUtcNow()));
        time.Advance(TimeSpan.FromMinutes(13));
        Assert.Equal(AlertTransition.Fired, state.Evaluate(99, time.GetUtcNow()));
    }

    [Fact]
    public void Evaluate_RemainingTokens_FiresWhenLow_ClearsWhenRecovered_IgnoresMissingReadings()
    {
        var rule = new CapacityAlertRule { Name = "r", Metric = AlertMetric.RemainingTokens, FireAt = 10, ClearAt = 25 };
        var state = new AlertState(rule, TimeSpan.Zero);
        var at = DateTimeOffset.UnixEpoch;
        Assert.Equal(AlertTransition.None, state.Evaluate(null, at));
        Assert.Equal(AlertTransition.None, state.Evaluate(40, at));
        Assert.Equal(AlertTransition.Fired, state.Evaluate(8, at));
        Assert.Equal(AlertTransition.None, state.Evaluate(20, at));
        Assert.Equal(AlertTransition.None, state.Evaluate(null, at));
        Assert.Equal(AlertTransition.Cleared, state.Evaluate(30, at));
    }
}
