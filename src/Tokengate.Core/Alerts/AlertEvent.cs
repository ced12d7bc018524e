namespace Tokengate.Alerts;

/// <summary>A capacity alert that fired or cleared.</summary>
internal sealed record AlertEvent(string Rule, AlertScope Scope, string Target, AlertMetric Metric, string State, double Value, double Threshold, DateTimeOffset At);
