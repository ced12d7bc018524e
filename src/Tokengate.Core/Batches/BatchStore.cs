using System.Data.Common;
using System.Text.Json;
using Tokengate.Accounting;
using Tokengate.Storage;

namespace Tokengate.Batches;

/// <summary>
/// Batches and their lines in the database: plain SQL for both engines. Every change of state is conditional on the
/// state it leaves (and, for leased work, on the lease's owner), so instances that share the database never both make
/// it. Lines are claimed in groups with <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL (instances claim different lines
/// without waiting on each other); SQLite serves one instance and takes the same statement without the locking clause.
/// A line's result and its ledger row are written in one transaction, only while the line is still the writer's own.
/// </summary>
internal sealed class BatchStore(IDatabase database)
{
    private const string Columns = "id, consumer, consumer_group, roles, mode, pool, endpoint, input_file_id, completion_window, status, metadata, errors, "
        + "total, completed, failed, input_tokens, cached_tokens, output_tokens, reasoning_tokens, output_file_id, error_file_id, backend, upstream_id, "
        + "upstream_file_id, polled_at, created_at, expires_at, in_progress_at, finalizing_at, completed_at, failed_at, expired_at, cancelling_at, cancelled_at";

    private DatabaseProvider Provider => database.Provider;

    private object Time(DateTimeOffset at) => DbTimestamps.ToDb(at, Provider);

    public async Task AddAsync(BatchRecord batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO batches (id, consumer, consumer_group, roles, mode, pool, endpoint, input_file_id, completion_window, status, metadata, errors,
                total, completed, failed, input_tokens, cached_tokens, output_tokens, reasoning_tokens, backend, upstream_id, upstream_file_id, created_at, expires_at)
            VALUES (@id, @consumer, @group, @roles, @mode, @pool, @endpoint, @input, @window, @status, @metadata, NULL,
                0, 0, 0, 0, 0, 0, 0, @backend, @upstream, @upstream_file, @created, @expires)
            """;
        command.AddParameter("@id", batch.Id).AddParameter("@consumer", batch.Consumer).AddParameter("@group", batch.Group)
            .AddParameter("@roles", JsonSerializer.Serialize(batch.Roles, BatchJsonContext.Default.IReadOnlyListString))
            .AddParameter("@mode", batch.Mode.ToString()).AddParameter("@pool", batch.Pool).AddParameter("@endpoint", batch.Endpoint)
            .AddParameter("@input", batch.InputFileId).AddParameter("@window", batch.CompletionWindow).AddParameter("@status", batch.Status)
            .AddParameter("@metadata", batch.Metadata).AddParameter("@backend", batch.Backend).AddParameter("@upstream", batch.UpstreamId)
            .AddParameter("@upstream_file", batch.UpstreamFileId)
            .AddParameter("@created", Time(batch.CreatedAt)).AddParameter("@expires", Time(batch.ExpiresAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The consumer's batch (any consumer's with null); null when there is none or it is someone else's.</summary>
    public async Task<BatchRecord?> FindAsync(string id, string? consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM batches WHERE id = @id" + (consumer is null ? "" : " AND consumer = @consumer");
        command.AddParameter("@id", id);
        if (consumer is not null) command.AddParameter("@consumer", consumer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>The consumer's batches newest first, after a cursor (a batch id), at most <paramref name="limit"/> plus one.</summary>
    public async Task<List<BatchRecord>> ListAsync(string consumer, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM batches WHERE consumer = @consumer"
            + (after is null ? "" : " AND (created_at, id) < (SELECT created_at, id FROM batches WHERE id = @after)")
            + " ORDER BY created_at DESC, id DESC LIMIT @limit";
        command.AddParameter("@consumer", consumer).AddParameter("@limit", limit + 1);
        if (after is not null) command.AddParameter("@after", after);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Batches that still have something to do (validating, in progress, finalizing, cancelling), oldest first.</summary>
    public async Task<List<BatchRecord>> ActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM batches WHERE status IN ('validating', 'in_progress', 'finalizing', 'cancelling') ORDER BY created_at, id";
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the batch itself for a step only one instance may do (validating it, finalizing it, polling its backend):
    /// true when it is in <paramref name="status"/> and nobody else holds an unexpired lease on it.
    /// </summary>
    public async Task<bool> TryLeaseAsync(string id, string status, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE batches SET lease_owner = @owner, lease_until = @until
            WHERE id = @id AND status = @status AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until < @now)
            """;
        command.AddParameter("@owner", owner).AddParameter("@until", Time(until)).AddParameter("@id", id)
            .AddParameter("@status", status).AddParameter("@now", Time(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// A validated batch starts: its lines (bodies already sealed) are stored and it moves to in progress, in one
    /// transaction, only if <paramref name="owner"/> still holds it. False (nothing stored) otherwise.
    /// </summary>
    public async Task<bool> StartAsync(string id, string owner, IReadOnlyList<(string CustomId, byte[] SealedBody)> lines, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO batch_lines (batch_id, line, custom_id, state, attempts, body) VALUES (@batch, @line, @custom, 'pending', 0, @body)";
            var line = command.CreateParameter();
            line.ParameterName = "@line";
            var custom = command.CreateParameter();
            custom.ParameterName = "@custom";
            var body = command.CreateParameter();
            body.ParameterName = "@body";
            command.AddParameter("@batch", id);
            command.Parameters.Add(line);
            command.Parameters.Add(custom);
            command.Parameters.Add(body);
            for (var i = 0; i < lines.Count; i++)
            {
                line.Value = i;
                custom.Value = lines[i].CustomId;
                body.Value = lines[i].SealedBody;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE batches SET status = 'in_progress', in_progress_at = @now, total = @total, lease_owner = NULL, lease_until = NULL
                WHERE id = @id AND status = 'validating' AND lease_owner = @owner
                """;
            command.AddParameter("@now", Time(now)).AddParameter("@total", lines.Count).AddParameter("@id", id).AddParameter("@owner", owner);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Moves the batch from one of <paramref name="from"/> to <paramref name="to"/>, stamping <c>{to}_at</c> and
    /// releasing its lease; <paramref name="set"/> adds columns to write (names from this class only; a lease given
    /// there is taken on the new state). False when it was in none of those states.
    /// </summary>
    public async Task<bool> TransitionAsync(string id, string[] from, string to, DateTimeOffset now, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, object?>? set = null)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // The lease ends with the state it was for, unless the caller takes one on the new state in the same write.
        var columns = new Dictionary<string, object?> { ["lease_owner"] = null, ["lease_until"] = null };
        if (set is not null)
        {
            foreach (var (column, value) in set) columns[column] = value;
        }
        var assignments = $"status = @to, {to}_at = @now";
        foreach (var (column, value) in columns)
        {
            assignments += $", {column} = @set_{column}";
            command.AddParameter("@set_" + column, value is DateTimeOffset at ? Time(at) : value);
        }
        var states = string.Join(", ", from.Select((_, i) => $"@from{i}"));
        command.CommandText = $"UPDATE batches SET {assignments} WHERE id = @id AND status IN ({states})";
        command.AddParameter("@to", to).AddParameter("@now", Time(now)).AddParameter("@id", id);
        for (var i = 0; i < from.Length; i++) command.AddParameter($"@from{i}", from[i]);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Writes columns of a batch without changing its state (an Azure batch's progress as last polled).</summary>
    public async Task UpdateAsync(string id, IReadOnlyDictionary<string, object?> set, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var assignments = new List<string>();
        foreach (var (column, value) in set)
        {
            assignments.Add($"{column} = @set_{column}");
            command.AddParameter("@set_" + column, value is DateTimeOffset at ? Time(at) : value);
        }
        command.CommandText = $"UPDATE batches SET {string.Join(", ", assignments)} WHERE id = @id";
        command.AddParameter("@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes columns of a batch that is not finished (an Azure batch as its backend last described it), only while
    /// <paramref name="owner"/> holds its lease when one is named (releasing it unless <paramref name="keepLease"/>), with
    /// <paramref name="record"/> in the ledger in the same transaction: a batch's terminal state and its ledger row
    /// commit together, once. With <paramref name="expectedStatus"/>, only while the batch is still in that state (a
    /// poll's answer does not undo a cancel made meanwhile). False, and nothing written, when the batch was finished,
    /// changed state or its lease was someone else's.
    /// </summary>
    public async Task<bool> UpdateActiveAsync(string id, string? owner, IReadOnlyDictionary<string, object?> set, UsageRecord? record, CancellationToken cancellationToken,
        bool keepLease = false, string? expectedStatus = null)
    {
        return await UpdateOneWithLedgerAsync(command =>
        {
            var columns = new Dictionary<string, object?>(set);
            if (owner is not null && !keepLease)
            {
                columns["lease_owner"] = null;
                columns["lease_until"] = null;
            }
            var assignments = new List<string>();
            foreach (var (column, value) in columns)
            {
                assignments.Add($"{column} = @set_{column}");
                command.AddParameter("@set_" + column, value is DateTimeOffset at ? Time(at) : value);
            }
            command.CommandText = $"UPDATE batches SET {string.Join(", ", assignments)} WHERE id = @id AND status NOT IN ('completed', 'failed', 'expired', 'cancelled')"
                + (owner is null ? "" : " AND lease_owner = @owner") + (expectedStatus is null ? "" : " AND status = @expected");
            command.AddParameter("@id", id);
            if (expectedStatus is not null) command.AddParameter("@expected", expectedStatus);
            if (owner is not null) command.AddParameter("@owner", owner);
        }, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims up to <paramref name="count"/> lines of the batch that are pending, or running under a lease that ended
    /// (their instance stopped), for <paramref name="owner"/> until <paramref name="until"/>. Bodies come back sealed.
    /// </summary>
    public async Task<List<(int Line, string CustomId, int Attempts, byte[] SealedBody)>> ClaimLinesAsync(
        string batchId, string owner, int count, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var skipLocked = Provider == DatabaseProvider.PostgreSql ? " FOR UPDATE SKIP LOCKED" : "";
        command.CommandText = $"""
            UPDATE batch_lines SET state = 'running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1
            WHERE batch_id = @batch AND line IN (
                SELECT line FROM batch_lines
                WHERE batch_id = @batch AND (state = 'pending' OR (state = 'running' AND lease_until < @now))
                ORDER BY line LIMIT @count{skipLocked})
            RETURNING line, custom_id, attempts, body
            """;
        command.AddParameter("@owner", owner).AddParameter("@until", Time(until)).AddParameter("@batch", batchId)
            .AddParameter("@now", Time(now)).AddParameter("@count", count);
        var claimed = new List<(int, string, int, byte[])>(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            claimed.Add((Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1),
                Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), (byte[])reader.GetValue(3)));
        return claimed;
    }

    /// <summary>
    /// Stores a line's answer and its ledger row together, if the line is still <paramref name="owner"/>'s (its lease
    /// was not taken over meanwhile); false, and nothing written, otherwise.
    /// </summary>
    public async Task<bool> CompleteLineAsync(string batchId, int line, string owner, int statusCode, byte[] sealedResult, UsageRecord? record, CancellationToken cancellationToken)
    {
        return await UpdateOneWithLedgerAsync(command =>
        {
            command.CommandText = """
                UPDATE batch_lines SET state = 'done', status_code = @status, result = @result, lease_owner = NULL, lease_until = NULL
                WHERE batch_id = @batch AND line = @line AND state = 'running' AND lease_owner = @owner
                """;
            command.AddParameter("@status", statusCode).AddParameter("@result", sealedResult).AddParameter("@batch", batchId)
                .AddParameter("@line", line).AddParameter("@owner", owner);
        }, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one conditional update (written by <paramref name="prepare"/>) and, only when it changed exactly one row,
    /// writes <paramref name="record"/> to the ledger in the same transaction: the change and its accounting commit
    /// together or not at all. False, nothing written, when the condition did not hold.
    /// </summary>
    private async Task<bool> UpdateOneWithLedgerAsync(Action<DbCommand> prepare, UsageRecord? record, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            prepare(command);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }
        }
        if (record is not null)
            await UsageLedgerWriter.WriteInTransactionAsync(connection, transaction, Provider, [record], cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Gives a claimed line back to be run again later (it got no answer this time); unless <paramref name="counts"/>,
    /// the try is not counted against the line's attempts (it waited for capacity, or the instance is stopping).
    /// </summary>
    public async Task ReleaseLineAsync(string batchId, int line, string owner, bool counts, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE batch_lines SET state = 'pending', lease_owner = NULL, lease_until = NULL{(counts ? "" : ", attempts = attempts - 1")}
            WHERE batch_id = @batch AND line = @line AND state = 'running' AND lease_owner = @owner
            """;
        command.AddParameter("@batch", batchId).AddParameter("@line", line).AddParameter("@owner", owner);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<BatchProgress> ProgressAsync(string batchId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT
                COALESCE(SUM(CASE WHEN state = 'done' AND status_code >= 200 AND status_code < 300 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN state = 'done' AND (status_code < 200 OR status_code >= 300) THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN state <> 'done' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN state = 'running' AND lease_until >= @now THEN 1 ELSE 0 END), 0)
            FROM batch_lines WHERE batch_id = @batch
            """;
        command.AddParameter("@batch", batchId).AddParameter("@now", Time(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        static int Int(DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        return new BatchProgress(Int(reader, 0), Int(reader, 1), Int(reader, 2), Int(reader, 3));
    }

    /// <summary>Every line in order: finished ones with their status and sealed result, the rest with neither.</summary>
    public async IAsyncEnumerable<(int Line, string CustomId, int? StatusCode, byte[]? SealedResult)> LinesAsync(
        string batchId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT line, custom_id, CASE WHEN state = 'done' THEN status_code END, CASE WHEN state = 'done' THEN result END FROM batch_lines WHERE batch_id = @batch ORDER BY line";
        command.AddParameter("@batch", batchId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return (Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1),
                reader.IsDBNull(2) ? null : Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3));
        }
    }

    /// <summary>The tokens of the batch's ledger rows (its lines, or an Azure batch's usage): input, cached, output.</summary>
    public async Task<(long Input, long Cached, long Output)> LedgerTokensAsync(string batchId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(cached_tokens), 0), COALESCE(SUM(completion_tokens), 0) FROM usage_ledger WHERE batch_id = @batch";
        command.AddParameter("@batch", batchId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<List<BatchRecord>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var batches = new List<BatchRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) batches.Add(Read(reader));
        return batches;
    }

    private static BatchRecord Read(DbDataReader r)
    {
        static string? S(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
        static int I(DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        static long L(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        return new BatchRecord
        {
            Id = r.GetString(0),
            Consumer = r.GetString(1),
            Group = S(r, 2),
            Roles = JsonSerializer.Deserialize(r.GetString(3), BatchJsonContext.Default.IReadOnlyListString) ?? [],
            Mode = Enum.Parse<BatchMode>(r.GetString(4)),
            Pool = r.GetString(5),
            Endpoint = r.GetString(6),
            InputFileId = r.GetString(7),
            CompletionWindow = r.GetString(8),
            Status = r.GetString(9),
            Metadata = S(r, 10),
            Errors = S(r, 11),
            Total = I(r, 12),
            Completed = I(r, 13),
            Failed = I(r, 14),
            InputTokens = L(r, 15),
            CachedTokens = L(r, 16),
            OutputTokens = L(r, 17),
            ReasoningTokens = L(r, 18),
            OutputFileId = S(r, 19),
            ErrorFileId = S(r, 20),
            Backend = S(r, 21),
            UpstreamId = S(r, 22),
            UpstreamFileId = S(r, 23),
            PolledAt = DbTimestamps.ReadNullable(r, 24),
            CreatedAt = DbTimestamps.Read(r, 25),
            ExpiresAt = DbTimestamps.Read(r, 26),
            InProgressAt = DbTimestamps.ReadNullable(r, 27),
            FinalizingAt = DbTimestamps.ReadNullable(r, 28),
            CompletedAt = DbTimestamps.ReadNullable(r, 29),
            FailedAt = DbTimestamps.ReadNullable(r, 30),
            ExpiredAt = DbTimestamps.ReadNullable(r, 31),
            CancellingAt = DbTimestamps.ReadNullable(r, 32),
            CancelledAt = DbTimestamps.ReadNullable(r, 33),
        };
    }
}
