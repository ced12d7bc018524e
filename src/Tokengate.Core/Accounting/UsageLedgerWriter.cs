using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.Storage;
using Tokengate.Telemetry;

namespace Tokengate.Accounting;

/// <summary>
/// Writes usage records to the ledger in batches (one multi-row insert each), off the request path. A batch the
/// database does not take goes to the <see cref="LedgerSpool"/> file; while the spool holds records, new batches
/// queue behind them in it, and the spool is replayed in order (every second, and before each new batch) until
/// the database takes it. Each record carries its own id and is inserted with <c>ON CONFLICT DO NOTHING</c>, so a
/// replay that is interrupted and repeated adds nothing twice. It stops only after the web server has
/// (<see cref="QueueDrainingWriter"/>), so every request that finished during a graceful shutdown
/// is in the ledger or, if the database is away, in the spool for the next start.
/// </summary>
internal sealed partial class UsageLedgerWriter(
    UsageLedger ledger, LedgerSpool spool, IDatabase database, IOptions<GatewayOptions> options, AccountingMetrics metrics, GatewayMetrics gatewayMetrics, TimeProvider time, ILogger<UsageLedgerWriter> logger)
    : QueueDrainingWriter
{
    private const int Columns = 31;
    private static readonly TimeSpan ReplayInterval = TimeSpan.FromSeconds(1);
    private DateTimeOffset _nextAttempt;
    private readonly WorkSlices _slices = new(WorkSlices.Default,
        () => ledger.Reader.Count >= options.Value.Accounting.LedgerQueueCapacity / 2, time);

    protected override Task PrepareAsync(CancellationToken cancellationToken) => spool.OpenAsync(cancellationToken);

    protected override void CompleteQueue() => ledger.Complete();

    protected override async Task RunAsync()
    {
        var batchSize = options.Value.Accounting.LedgerBatchSize;
        var batch = new List<UsageRecord>(batchSize);
        var more = ledger.Reader.WaitToReadAsync().AsTask();
        while (true)
        {
            if (spool.Pending > 0 && !more.IsCompleted)
            {
                await Task.WhenAny(more, Task.Delay(ReplayInterval, time)).ConfigureAwait(false);
                if (!more.IsCompleted)
                {
                    await OnOwnThread(() => ReplayAsync(batchSize)).ConfigureAwait(false);
                    continue;
                }
            }
            if (!await more.ConfigureAwait(false)) break;
            await GatherAsync(batchSize).ConfigureAwait(false);
            while (batch.Count < batchSize && ledger.Reader.TryRead(out var record)) batch.Add(record);
            await OnOwnThread(() =>
            {
                _slices.Begin();
                RecordMetrics(batch);
                return PersistAsync(batch, batchSize);
            }).ConfigureAwait(false);
            batch.Clear();
            more = ledger.Reader.WaitToReadAsync().AsTask();
        }
        // Shutting down: one last chance for what is spooled; anything left is replayed at the next start.
        _nextAttempt = default;
        if (spool.Pending > 0) await ReplayAsync(batchSize).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a batch's work (its metrics, SQLite's inserts, a spool replay) on a thread of its own rather than the
    /// thread pool's. The work is milliseconds of CPU at a time and SQLite's interface is synchronous (its async
    /// methods complete before they return): on a pool thread it held back the requests queued behind it, which on a
    /// gateway given one or two cores was its whole latency tail. An ordinary thread is preempted by the scheduler
    /// for the request threads instead, and SQLite's inserts offer the core back between slices of 50 µs
    /// (<see cref="WorkSlices"/>). PostgreSQL's writes continue on the pool after their first real wait.
    /// </summary>
    private static Task OnOwnThread(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    /// <summary>
    /// The batch's metrics, 32 records at a time, with the slices' offer of the core between them (each record's
    /// histograms cost about a microsecond, a full batch half a millisecond).
    /// </summary>
    private void RecordMetrics(List<UsageRecord> batch)
    {
        const int Step = 32;
        var records = CollectionsMarshal.AsSpan(batch);
        var now = time.GetUtcNow();
        for (var i = 0; i < records.Length; i += Step)
        {
            gatewayMetrics.Record(records.Slice(i, Math.Min(Step, records.Length - i)), now);
            _slices.Between();
        }
    }

    /// <summary>
    /// Gives a batch that is not full a moment to fill (or the queue to close at shutdown). The pause is a batching
    /// window with no meaning of its own, so it runs on the system clock: under a test clock the ledger still moves.
    /// </summary>
    private async Task GatherAsync(int batchSize)
    {
        var linger = options.Value.Accounting.LedgerFlushInterval;
        if (linger <= TimeSpan.Zero || ledger.Reader.Count >= batchSize) return;
        await Task.WhenAny(Task.Delay(linger, TimeProvider.System), ledger.Reader.Completion).ConfigureAwait(false);
    }

    private async Task PersistAsync(List<UsageRecord> batch, int batchSize)
    {
        // Spooled records are older: they go first, and new ones queue behind them while the database is away.
        if (spool.Pending > 0) await ReplayAsync(batchSize).ConfigureAwait(false);
        if (spool.Pending == 0 && await TryWriteAsync(batch).ConfigureAwait(false)) return;
        try
        {
            await spool.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
            metrics.LedgerSpooled.Add(batch.Count);
        }
        catch (IOException ex)
        {
            metrics.LedgerFailed.Add(batch.Count);
            LogDropped(logger, ex, batch.Count);
        }
    }

    private async Task ReplayAsync(int batchSize)
    {
        if (time.GetUtcNow() < _nextAttempt) return;
        var records = await spool.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        for (var i = 0; i < records.Count; i += batchSize)
        {
            if (!await TryWriteAsync(records.GetRange(i, Math.Min(batchSize, records.Count - i))).ConfigureAwait(false)) return;
        }
        spool.Clear();
        LogReplayed(logger, records.Count);
    }

    /// <summary>One attempt; after a failure the next one waits <see cref="ReplayInterval"/>, so a database that is away costs no time per batch.</summary>
    private async Task<bool> TryWriteAsync(IReadOnlyList<UsageRecord> batch)
    {
        if (time.GetUtcNow() < _nextAttempt) return false;
        try
        {
            await WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
            metrics.LedgerWritten.Add(batch.Count);
            return true;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            _nextAttempt = time.GetUtcNow() + ReplayInterval;
            LogSpooling(logger, ex.GetType().Name, batch.Count);
            return false;
        }
    }

    private const string InsertColumns = """
        INSERT INTO usage_ledger (at, consumer, consumer_group, deployment, backend, model, prompt_tokens, cached_tokens,
            completion_tokens, cost_nanousd, status, latency_ms, ttfb_ms, stream, usage_source, priority, record_id,
            operation, audio_input_tokens, image_input_tokens, audio_output_tokens, image_output_tokens, images, audio_ms, characters, service_tier, batch_id, pool, max_output_tokens,
            screening, screened_out) VALUES
        """;

    internal Task WriteAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken) =>
        database.Provider == DatabaseProvider.Sqlite
            ? WriteSqliteAsync(batch, cancellationToken)
            : WriteMultiRowAsync(batch, cancellationToken);

    private static object?[] Values(UsageRecord r, DatabaseProvider provider) =>
    [
        DbTimestamps.ToDb(r.At, provider), r.Consumer, r.Group, r.Deployment, r.Backend, r.Model,
        r.PromptTokens, r.CachedTokens, r.CompletionTokens, UsageTime.ToNanoUsd(r.CostUsd), r.Status, r.LatencyMs,
        r.TimeToFirstTokenMs, r.Stream, r.Source.ToString(), r.Priority, r.Id.ToString(),
        r.OperationName, r.Media.AudioInputTokens, r.Media.ImageInputTokens, r.Media.AudioOutputTokens, r.Media.ImageOutputTokens,
        (long)r.Media.Images, UsageTime.ToMilliseconds(r.Media.AudioSeconds), r.Media.Characters, r.ServiceTier, r.BatchId, r.Pool,
        r.MaxOutputTokens, r.Screening, r.ScreenedOut,
    ];

    /// <summary>
    /// SQLite: one prepared single-row statement run for each record inside one transaction (<see cref="SqliteLedgerInsert"/>).
    /// It runs where it is called, synchronously: the writer calls it on a thread of its own (<see cref="OnOwnThread"/>).
    /// </summary>
    private async Task WriteSqliteAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        SqliteLedgerInsert.Write((SqliteConnection)connection, batch, _slices);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PostgreSQL: one multi-row statement per batch (per slice of it within the protocol's 65,535 parameters), a single round trip each.</summary>
    private async Task WriteMultiRowAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken)
    {
        const int MaxRows = ushort.MaxValue / Columns;
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (batch.Count <= MaxRows)
        {
            await WriteRowsAsync(connection, null, database.Provider, batch, cancellationToken).ConfigureAwait(false);
            return;
        }
        for (var start = 0; start < batch.Count; start += MaxRows)
            await WriteRowsAsync(connection, null, database.Provider, batch.Skip(start).Take(MaxRows).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a few records inside the caller's open transaction, so they commit (or not) with what the caller writes
    /// beside them: a batch line's result and its ledger row are one fact. Idempotent by record id, like every write.
    /// </summary>
    internal static Task WriteInTransactionAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        DatabaseProvider provider, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        if (provider != DatabaseProvider.Sqlite) return WriteRowsAsync(connection, transaction, provider, records, cancellationToken);
        SqliteLedgerInsert.Write((SqliteConnection)connection, records);
        return Task.CompletedTask;
    }

    private static async Task WriteRowsAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction,
        DatabaseProvider provider, IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder(InsertColumns);
        for (var i = 0; i < batch.Count; i++)
        {
            sql.Append(i == 0 ? "\n(" : ",\n(");
            for (var c = 0; c < Columns; c++) sql.Append(c == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"@p{i}_{c}");
            sql.Append(')');
            var values = Values(batch[i], provider);
            for (var c = 0; c < Columns; c++) command.AddParameter($"@p{i}_{c}", values[c]);
        }
        sql.Append("\nON CONFLICT (record_id) DO NOTHING");
        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Warning, "The ledger database did not take {Count} usage records ({Error}); they are spooled to the data folder and replayed when it is back")]
    private static partial void LogSpooling(ILogger logger, string error, int count);

    [LoggerMessage(2, LogLevel.Error, "Spooling {Count} usage records failed; they are lost from the ledger")]
    private static partial void LogDropped(ILogger logger, Exception exception, int count);

    [LoggerMessage(3, LogLevel.Information, "Replayed {Count} spooled usage records into the ledger")]
    private static partial void LogReplayed(ILogger logger, int count);
}
