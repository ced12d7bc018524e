namespace Tokengate.Alerts;

/// <summary>Capacity alerts (<c>Tokengate:Alerts</c>): thresholds on utilization and remaining quota, sent to webhooks.</summary>
public sealed class AlertsOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Alerts";

    /// <summary>
    /// URLs that receive each alert and clearance as a JSON POST, through the gateway's outbound client (their hosts
    /// join the outbound allowlist when <c>Tokengate:Outbound:AllowedHosts</c> is not set). Default: none (alerts are
    /// logged and shown at <c>/admin/alerts</c> and on the dashboard).
    /// </summary>
    public List<string> WebhookUrls { get; set; } = [];

    /// <summary>
    /// The rules. Default (empty): utilization fires at 90 and clears at 75, and remaining tokens fires at 10 and
    /// clears at 25, for every backend and every pool.
    /// </summary>
    public List<CapacityAlertRule> Rules { get; set; } = [];

    /// <summary>How often the values are checked. Default 10 seconds; 1 second to 10 minutes.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The least time between two firings of the same rule on the same target, however often the value crosses
    /// back and forth. Default 15 minutes.
    /// </summary>
    public TimeSpan MinimumInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The rules in force: <see cref="Rules"/>, or the defaults when it is empty.</summary>
    public IReadOnlyList<CapacityAlertRule> EffectiveRules => Rules.Count > 0 ? Rules :
    [
        new() { Name = "backend-utilization", Scope = AlertScope.Backend, Metric = AlertMetric.Utilization, FireAt = 90, ClearAt = 75 },
        new() { Name = "pool-utilization", Scope = AlertScope.Pool, Metric = AlertMetric.Utilization, FireAt = 90, ClearAt = 75 },
        new() { Name = "backend-remaining-tokens", Scope = AlertScope.Backend, Metric = AlertMetric.RemainingTokens, FireAt = 10, ClearAt = 25 },
        new() { Name = "pool-remaining-tokens", Scope = AlertScope.Pool, Metric = AlertMetric.RemainingTokens, FireAt = 10, ClearAt = 25 },
    ];
}
