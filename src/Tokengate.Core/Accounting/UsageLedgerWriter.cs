using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Configuration;
using Tokengate.Storage;
using Tokengate.Telemetry;

namespace Tokengate.Accounting;

/// <summary>
/// Writes usage records to the ledger in batches (one multi-row insert each), off the request path. It stops only
/// after the web server has (<see cref="IHostedLifecycleService.StoppedAsync"/>), so every request that finished
/// during a graceful shutdown is in the ledger.
/// </summary>
internal sealed partial class UsageLedgerWriter(
    UsageLedger ledger, IDatabase database, IOptions<GatewayOptions> options, AccountingMetrics metrics, GatewayMetrics gatewayMetrics, TimeProvider time, ILogger<UsageLedgerWriter> logger)
    : IHostedLifecycleService
{
    private const int Columns = 16;
    private const int MaxAttempts = 5;
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        ledger.Complete();
        await _loop.ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task LoopAsync()
    {
        var batchSize = options.Value.Accounting.LedgerBatchSize;
        var batch = new List<UsageRecord>(batchSize);
        while (await ledger.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < batchSize && ledger.Reader.TryRead(out var record)) batch.Add(record);
            foreach (var record in batch) gatewayMetrics.Record(record, time.GetUtcNow());
            await WriteWithRetryAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private async Task WriteWithRetryAsync(List<UsageRecord> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                metrics.LedgerWritten.Add(batch.Count);
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                if (attempt == MaxAttempts)
                {
                    metrics.LedgerFailed.Add(batch.Count);
                    LogDropped(logger, ex, batch.Count);
                    return;
                }
                LogRetry(logger, ex, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), time).ConfigureAwait(false);
            }
        }
    }

    internal async Task WriteAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("""
            INSERT INTO usage_ledger (at, consumer, consumer_group, deployment, backend, model, prompt_tokens, cached_tokens,
                completion_tokens, cost_nanousd, status, latency_ms, ttfb_ms, stream, usage_source, priority) VALUES
            """);
        for (var i = 0; i < batch.Count; i++)
        {
            var r = batch[i];
            sql.Append(i == 0 ? "\n(" : ",\n(");
            for (var c = 0; c < Columns; c++) sql.Append(c == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"@p{i}_{c}");
            sql.Append(')');
            object?[] values =
            [
                UsageTime.ToDb(r.At, database.Provider), r.Consumer, r.Group, r.Deployment, r.Backend, r.Model,
                r.PromptTokens, r.CachedTokens, r.CompletionTokens, UsageTime.ToNanoUsd(r.CostUsd), r.Status, r.LatencyMs,
                r.TimeToFirstByteMs, r.Stream, r.Source.ToString(), r.Priority,
            ];
            for (var c = 0; c < Columns; c++) command.AddParameter($"@p{i}_{c}", values[c]);
        }
        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Warning, "Writing {Count} usage records failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(2, LogLevel.Error, "Writing {Count} usage records failed repeatedly; they are lost from the ledger")]
    private static partial void LogDropped(ILogger logger, Exception exception, int count);
}
