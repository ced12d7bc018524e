namespace Tokengate.Alerts;

/// <summary>
/// Hysteresis of one rule on one target: fires when the value reaches <c>FireAt</c> (and the last firing is at least
/// the minimum interval ago), stays firing until the value is back past <c>ClearAt</c>, then clears. A value with no
/// reading changes nothing.
/// </summary>
internal sealed class AlertState(CapacityAlertRule rule, TimeSpan minimumInterval)
{
    public bool Firing { get; private set; }

    public DateTimeOffset? LastFiredAt { get; private set; }

    public double? LastValue { get; private set; }

    public AlertTransition Evaluate(double? value, DateTimeOffset now)
    {
        if (value is not { } v) return AlertTransition.None;
        LastValue = v;
        var high = rule.Metric == AlertMetric.Utilization;
        if (!Firing)
        {
            var reached = high ? v >= rule.FireAt : v <= rule.FireAt;
            if (!reached || (LastFiredAt is { } last && now - last < minimumInterval)) return AlertTransition.None;
            Firing = true;
            LastFiredAt = now;
            return AlertTransition.Fired;
        }
        var recovered = high ? v <= rule.ClearAt : v >= rule.ClearAt;
        if (!recovered) return AlertTransition.None;
        Firing = false;
        return AlertTransition.Cleared;
    }
}
