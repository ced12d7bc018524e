using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tokengate.Affinity;

/// <summary>
/// Deletes expired rows from the durable copy (<see cref="AffinityTable"/>): once shortly after start, then every hour
/// on the <see cref="TimeProvider"/>. Expired rows are never returned anyway; this only keeps the table from growing.
/// Every instance runs it; on PostgreSQL instances pruning together take different rows (<c>SKIP LOCKED</c>).
/// </summary>
internal sealed partial class AffinityPruner(AffinityTable table, TimeProvider time, ILogger<AffinityPruner> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created before the host finishes starting (after the migrations), so no tick of the clock is missed.
        _timer = new PeriodicTimer(Interval, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer!;
        try
        {
            do
            {
                await PruneOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task PruneOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await table.PruneAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
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
