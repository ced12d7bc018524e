using Microsoft.Extensions.Logging;
using Tokengate.Hosting;
using Tokengate.Configuration;
using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>
/// Deletes ledger rows older than <see cref="AccountingOptions.LedgerRetention"/>: once shortly after start, then
/// every hour on the <see cref="TimeProvider"/>. Each statement deletes at most <see cref="BatchSize"/> rows, oldest
/// first through the <c>at</c> index, with a pause between statements so a large first purge never holds the ledger
/// writer off for long. Every instance runs it; on PostgreSQL the rows to delete are picked with
/// <c>FOR UPDATE SKIP LOCKED</c>, so instances purging at the same moment take different rows instead of waiting on
/// each other, and a row already gone is simply not found.
/// </summary>
internal sealed partial class LedgerRetention(
    IDatabase database, GatewayConfiguration configuration, AccountingMetrics metrics, TimeProvider time, ILogger<LedgerRetention> logger)
    : HourlyCleanup(time)
{
    internal const int BatchSize = 10_000;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    private const string SqliteDelete = """
        DELETE FROM usage_ledger WHERE id IN (
            SELECT id FROM usage_ledger WHERE at < @cutoff ORDER BY at LIMIT @limit)
        """;

    private const string PostgresDelete = """
        DELETE FROM usage_ledger WHERE id IN (
            SELECT id FROM usage_ledger WHERE at < @cutoff ORDER BY at LIMIT @limit FOR UPDATE SKIP LOCKED)
        """;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var retention = configuration.Current.Options.Accounting.LedgerRetention;
        if (retention <= TimeSpan.Zero) return;
        try
        {
            var deleted = await PurgeAsync(Time.GetUtcNow() - retention, cancellationToken).ConfigureAwait(false);
            if (deleted > 0) LogPurged(logger, deleted, retention);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            // The database is away or busy: the next hour tries again, nothing is lost by waiting.
            LogPurgeFailed(logger, ex.GetType().Name);
        }
    }

    /// <summary>Deletes every ledger row recorded before <paramref name="cutoff"/>, in bounded batches; returns how many this call deleted.</summary>
    internal async Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            int deleted;
            await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = database.Provider == DatabaseProvider.Sqlite ? SqliteDelete : PostgresDelete;
                command.AddParameter("@cutoff", DbTimestamps.ToDb(cutoff, database.Provider)).AddParameter("@limit", BatchSize);
                deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            total += deleted;
            metrics.LedgerPurged.Add(deleted);
            if (deleted < BatchSize) return total;
            // The pause only spreads the load; it has no meaning of its own, so it runs on the system clock and a
            // test clock does not stall a purge.
            await Task.Delay(Pause, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Deleted {Count} usage records older than the ledger retention ({Retention})")]
    private static partial void LogPurged(ILogger logger, long count, TimeSpan retention);

    [LoggerMessage(2, LogLevel.Warning, "Could not delete usage records older than the ledger retention ({Error}); trying again in an hour")]
    private static partial void LogPurgeFailed(ILogger logger, string error);
}
