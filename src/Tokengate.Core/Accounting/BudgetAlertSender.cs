using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.Proxy;
using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>
/// Sends budget alerts off the request path: each (budget, period, threshold) is first recorded in
/// <c>budget_alerts</c>, whose primary key makes it fire at most once even across restarts and instances; only the
/// writer that inserted the row POSTs the webhook, through the gateway's outbound client.
/// </summary>
internal sealed partial class BudgetAlertSender(
    BudgetAlertQueue alerts, IDatabase database, OutboundHttpClient client, GatewayConfiguration configuration, ILogger<BudgetAlertSender> logger)
    : BackgroundService
{
    public static string PeriodText(DateTimeOffset periodStart) => periodStart.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in alerts.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (await RecordAsync(alert, stoppingToken).ConfigureAwait(false)) await NotifyAsync(alert, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is System.Data.Common.DbException or HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    LogFailed(logger, ex, alert.Label, alert.ThresholdPercent);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<bool> RecordAsync(BudgetAlert alert, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO budget_alerts (budget_key, period_start, threshold_percent, fired_at) VALUES (@key, @start, @threshold, @at)
            ON CONFLICT DO NOTHING
            """;
        command.AddParameter("@key", alert.BudgetKey)
            .AddParameter("@start", PeriodText(alert.PeriodStart))
            .AddParameter("@threshold", alert.ThresholdPercent)
            .AddParameter("@at", alert.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task NotifyAsync(BudgetAlert alert, CancellationToken cancellationToken)
    {
        LogAlert(logger, alert.Label, alert.ThresholdPercent, alert.Spent);
        if (configuration.Current.Options.Budgets.WebhookUrl is not { } url) return;
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new
            {
                type = "budget.threshold",
                budget = alert.BudgetKey,
                description = alert.Label,
                period = alert.Period.ToString().ToLowerInvariant(),
                periodStart = alert.PeriodStart,
                thresholdPercent = alert.ThresholdPercent,
                amount = alert.Amount,
                spent = alert.Spent,
                unit = alert.Unit == BudgetUnit.Usd ? "usd" : "tokens",
                at = alert.At,
            }),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await client.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) LogWebhookStatus(logger, (int)response.StatusCode, alert.Label);
    }

    [LoggerMessage(1, LogLevel.Warning, "Budget alert: {Budget} reached {Percent}% (spent {Spent})")]
    private static partial void LogAlert(ILogger logger, string budget, int percent, decimal spent);

    [LoggerMessage(2, LogLevel.Error, "Budget alert for {Budget} at {Percent}% could not be recorded or sent")]
    private static partial void LogFailed(ILogger logger, Exception exception, string budget, int percent);

    [LoggerMessage(3, LogLevel.Warning, "Budget webhook answered {Status} for {Budget}")]
    private static partial void LogWebhookStatus(ILogger logger, int status, string budget);
}
