using Microsoft.Extensions.Logging;
using Tokengate.Hosting;
using Tokengate.Storage;

namespace Tokengate.Affinity;

/// <summary>
/// Writes the durable copy of the affinity records off the request path: it gathers queued changes for a moment,
/// combines the changes to each id (<see cref="AffinityChange.Then"/>) and writes the batch in one transaction. While
/// the database is away it retries the batch every second and stops reading, so the queue, not this writer, holds
/// what waits (bounded, see <see cref="AffinityQueue"/>). It stops only after the web server has
/// (<see cref="QueueDrainingWriter"/>), so changes of requests that finished during a graceful shutdown are written; if
/// the database is away then, they are dropped and counted (Redis still has them).
/// </summary>
internal sealed partial class AffinityWriter(AffinityQueue queue, AffinityTable table, AffinityMetrics metrics, ILogger<AffinityWriter> logger)
    : QueueDrainingWriter
{
    internal const int BatchSize = 512;

    // Both pauses only pace the writer and mean nothing of their own, so they run on the system clock: under a test
    // clock the durable copy still moves.
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override void CompleteQueue()
    {
        queue.Complete();
        _stopping.TrySetResult();
    }

    protected override async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new Dictionary<string, AffinityChange>(StringComparer.Ordinal);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (reader.Count < BatchSize) await Task.WhenAny(Task.Delay(Linger, TimeProvider.System), _stopping.Task).ConfigureAwait(false);
            while (batch.Count < BatchSize && reader.TryRead(out var change))
                batch[change.Id] = batch.TryGetValue(change.Id, out var earlier) ? earlier.Then(change) : change;
            if (!await WriteUntilTakenAsync(batch).ConfigureAwait(false))
            {
                DropRemaining(batch.Count);
                return;
            }
            batch.Clear();
        }
    }

    /// <summary>Writes the batch, retrying while the database is away; false when the gateway stops before it could.</summary>
    private async Task<bool> WriteUntilTakenAsync(Dictionary<string, AffinityChange> batch)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                await WriteAsync(batch.Values).ConfigureAwait(false);
                if (failures > 0) LogResumed(logger, failures);
                return true;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException or System.Net.Sockets.SocketException)
            {
                metrics.Error(AffinityMetrics.Database);
                if (failures++ == 0) LogWaiting(logger, ex.GetType().Name, batch.Count);
                if (_stopping.Task.IsCompleted) return false;
                await Task.WhenAny(Task.Delay(RetryInterval, TimeProvider.System), _stopping.Task).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// SQLite's interface is synchronous (its async methods complete before they return): a batch runs on a thread of
    /// its own, as the ledger's do, so it never holds a thread-pool thread that requests are queued behind.
    /// </summary>
    private Task WriteAsync(IReadOnlyCollection<AffinityChange> batch) =>
        table.Provider == DatabaseProvider.Sqlite
            ? Task.Factory.StartNew(() => table.WriteAsync(batch, CancellationToken.None), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()
            : table.WriteAsync(batch, CancellationToken.None);

    /// <summary>Stopping with the database away: what is left cannot be written, and waiting would hold the shutdown.</summary>
    private void DropRemaining(int inBatch)
    {
        var dropped = inBatch;
        while (queue.Reader.TryRead(out _)) dropped++;
        metrics.DurableDropped.Add(dropped);
        LogDropped(logger, dropped);
    }

    [LoggerMessage(1501, LogLevel.Warning, "The database did not take {Count} affinity changes ({Error}); retrying every second while Redis serves the records")]
    private static partial void LogWaiting(ILogger logger, string error, int count);

    [LoggerMessage(1502, LogLevel.Information, "The database takes affinity changes again (after {Failures} failed attempts)")]
    private static partial void LogResumed(ILogger logger, int failures);

    [LoggerMessage(1503, LogLevel.Error, "Stopping with the database away: {Count} affinity changes are not in the durable copy (Redis still has them)")]
    private static partial void LogDropped(ILogger logger, int count);
}
