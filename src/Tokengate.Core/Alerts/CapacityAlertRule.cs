namespace Tokengate.Alerts;

/// <summary>One capacity threshold with hysteresis.</summary>
public sealed class CapacityAlertRule
{
    /// <summary>Name used in notifications and <c>/admin/alerts</c>. Required, unique.</summary>
    public string Name { get; set; } = "";

    /// <summary><see cref="AlertScope.Backend"/> (default) or <see cref="AlertScope.Pool"/>.</summary>
    public AlertScope Scope { get; set; } = AlertScope.Backend;

    /// <summary>A backend or pool name, or <c>*</c> for all (default).</summary>
    public string Target { get; set; } = "*";

    /// <summary>The watched value. Default <see cref="AlertMetric.Utilization"/>.</summary>
    public AlertMetric Metric { get; set; } = AlertMetric.Utilization;

    /// <summary>
    /// Fires when the value reaches this: at or above it for utilization, at or below it for remaining tokens.
    /// Default 90.
    /// </summary>
    public double FireAt { get; set; } = 90;

    /// <summary>
    /// Clears only when the value is back past this (below it for utilization, above it for remaining tokens), so a
    /// value flapping around <see cref="FireAt"/> does not fire again and again. Default 75.
    /// </summary>
    public double ClearAt { get; set; } = 75;
}
