using Tokengate.Routing;
using Tokengate.Telemetry;

namespace Tokengate.Alerts;

/// <summary>
/// Applies the alert rules to one set of capacity readings: one <see cref="AlertState"/> per rule and target,
/// and the transitions as events. Keeps the active alerts and the latest events for <c>/admin/alerts</c>.
/// </summary>
internal sealed class CapacityAlertEvaluator(AlertsOptions options)
{
    private const int RecentLimit = 100;
    private readonly Dictionary<(string Rule, string Target), AlertState> _states = [];
    private readonly LinkedList<AlertEvent> _recent = new();
    private readonly Lock _lock = new();

    public IReadOnlyList<AlertEvent> Evaluate(IEnumerable<(Pool Pool, BackendReading Reading)> readings, DateTimeOffset now)
    {
        var list = readings.ToList();
        var events = new List<AlertEvent>();
        lock (_lock)
        {
            foreach (var rule in options.EffectiveRules)
            {
                foreach (var (target, value) in Values(rule, list))
                {
                    var key = (rule.Name, target);
                    if (!_states.TryGetValue(key, out var state)) _states[key] = state = new AlertState(rule, options.MinimumInterval);
                    var transition = state.Evaluate(value, now);
                    if (transition == AlertTransition.None) continue;
                    var fired = transition == AlertTransition.Fired;
                    var e = new AlertEvent(rule.Name, rule.Scope, target, rule.Metric, fired ? "firing" : "cleared", Math.Round(value!.Value, 2), fired ? rule.FireAt : rule.ClearAt, now);
                    events.Add(e);
                    _recent.AddFirst(e);
                    if (_recent.Count > RecentLimit) _recent.RemoveLast();
                }
            }
        }
        return events;
    }

    /// <summary>Every alert firing now, with its latest value.</summary>
    public IReadOnlyList<(string Rule, string Target, double? Value, DateTimeOffset? Since)> Active()
    {
        lock (_lock)
        {
            return [.. _states.Where(p => p.Value.Firing).Select(p => (p.Key.Rule, p.Key.Target, p.Value.LastValue, p.Value.LastFiredAt))];
        }
    }

    public IReadOnlyList<AlertEvent> Recent()
    {
        lock (_lock) return [.. _recent];
    }

    private static IEnumerable<(string Target, double? Value)> Values(CapacityAlertRule rule, List<(Pool Pool, BackendReading Reading)> readings)
    {
        bool Matches(string name) => rule.Target == "*" || string.Equals(rule.Target, name, StringComparison.OrdinalIgnoreCase);
        if (rule.Scope == AlertScope.Backend)
        {
            foreach (var (_, r) in readings)
            {
                if (Matches(r.Backend)) yield return (r.Backend, rule.Metric == AlertMetric.Utilization ? r.UtilizationPercent : r.RemainingTokensPercent);
            }
            yield break;
        }
        foreach (var pool in readings.GroupBy(p => p.Pool.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (!Matches(pool.Key)) continue;
            if (rule.Metric == AlertMetric.Utilization)
            {
                var values = pool.Select(p => p.Reading.UtilizationPercent).OfType<double>().ToList();
                yield return (pool.Key, values.Count == 0 ? null : values.Average());
            }
            else
            {
                var known = pool.Where(p => p.Reading.LimitTokens > 0 && p.Reading.RemainingTokens is not null).ToList();
                yield return (pool.Key, known.Count == 0 ? null : 100.0 * known.Sum(p => p.Reading.RemainingTokens!.Value) / known.Sum(p => p.Reading.LimitTokens!.Value));
            }
        }
    }
}
