using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Proxy;
using Tokengate.Telemetry;

namespace Tokengate.Alerts;

/// <summary>
/// Evaluates the capacity alert rules every <see cref="AlertsOptions.EvaluationInterval"/> and POSTs each firing and
/// clearance to the webhooks through the gateway's outbound client (so the allowlist applies). Off the request path.
/// </summary>
internal sealed partial class CapacityAlertMonitor : BackgroundService
{
    private readonly CapacityAlertEvaluator _evaluator;
    private readonly CapacityReadings _readings;
    private readonly OutboundHttpClient _client;
    private readonly AlertsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CapacityAlertMonitor> _logger;
    private readonly Counter<long> _notifications;

    public CapacityAlertMonitor(CapacityAlertEvaluator evaluator, CapacityReadings readings, OutboundHttpClient client, IOptions<AlertsOptions> options,
        GatewayMetrics metrics, TimeProvider time, ILogger<CapacityAlertMonitor> logger)
    {
        _evaluator = evaluator;
        _readings = readings;
        _client = client;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _notifications = metrics.Meter.CreateCounter<long>("tokengate.alerts.transitions", "{alert}", "Capacity alerts that fired or cleared, by rule and state.");
        metrics.Meter.CreateObservableGauge("tokengate.alerts.active", () => _evaluator.Active().Count, "{alert}", "Capacity alerts firing now.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.EvaluationInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var e in _evaluator.Evaluate(_readings.Backends(), _time.GetUtcNow()))
                    await NotifyAsync(e, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task NotifyAsync(AlertEvent e, CancellationToken cancellationToken)
    {
        _notifications.Add(1, new KeyValuePair<string, object?>("tokengate.alert.rule", e.Rule), new KeyValuePair<string, object?>("tokengate.alert.state", e.State));
        LogTransition(_logger, e.Rule, e.Target, e.State, e.Value);
        foreach (var url in _options.WebhookUrls)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = JsonContent.Create(new
                    {
                        type = "capacity." + e.State,
                        rule = e.Rule,
                        scope = e.Scope.ToString().ToLowerInvariant(),
                        target = e.Target,
                        metric = e.Metric == AlertMetric.Utilization ? "utilization_percent" : "remaining_tokens_percent",
                        value = e.Value,
                        threshold = e.Threshold,
                        at = e.At,
                    }),
                };
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                using var response = await _client.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) LogWebhookStatus(_logger, (int)response.StatusCode, e.Rule);
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                // Hosts only in logs: webhook URLs may carry tokens in their paths or queries.
                LogWebhookFailed(_logger, ex, new Uri(url).Host, e.Rule);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Capacity alert {Rule} on {Target} is {State} (value {Value})")]
    private static partial void LogTransition(ILogger logger, string rule, string target, string state, double value);

    [LoggerMessage(2, LogLevel.Warning, "Alert webhook answered {Status} for {Rule}")]
    private static partial void LogWebhookStatus(ILogger logger, int status, string rule);

    [LoggerMessage(3, LogLevel.Error, "Alert webhook at {Host} could not be reached for {Rule}")]
    private static partial void LogWebhookFailed(ILogger logger, Exception exception, string host, string rule);
}
