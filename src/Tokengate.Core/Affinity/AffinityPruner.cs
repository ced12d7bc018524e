using Microsoft.Extensions.Logging;
using Tokengate.Hosting;

namespace Tokengate.Affinity;

/// <summary>
/// Deletes expired rows from the durable copy (<see cref="AffinityTable"/>): once shortly after start, then every hour
/// on the <see cref="TimeProvider"/>. Expired rows are never returned anyway; this only keeps the table from growing.
/// Every instance runs it; on PostgreSQL instances pruning together take different rows (<c>SKIP LOCKED</c>).
/// </summary>
internal sealed partial class AffinityPruner(AffinityTable table, TimeProvider time, ILogger<AffinityPruner> logger) : HourlyCleanup(time)
{
    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await table.PruneAsync(Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (deleted > 0) LogPruned(logger, deleted);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            // The database is away or busy: the next hour tries again; expired rows are ignored on read meanwhile.
            LogPruneFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(1511, LogLevel.Information, "Deleted {Count} expired affinity records from the database")]
    private static partial void LogPruned(ILogger logger, long count);

    [LoggerMessage(1512, LogLevel.Warning, "Could not delete expired affinity records ({Error}); trying again in an hour")]
    private static partial void LogPruneFailed(ILogger logger, string error);
}
