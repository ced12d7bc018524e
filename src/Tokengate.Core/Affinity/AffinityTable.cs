using System.Data.Common;
using System.Globalization;
using System.Text;
using Tokengate.Storage;

namespace Tokengate.Affinity;

/// <summary>
/// The durable copy of the affinity records in the gateway's database (<c>affinity_records</c>): what
/// <see cref="RedisAffinityStore"/> falls back to when Redis has lost a record or cannot be reached. Plain SQL that
/// reads the same on SQLite and PostgreSQL; changes are written in chunks of multi-row statements inside one
/// transaction. The table returns expired rows too: the store judges expiry by its own clock.
/// </summary>
internal sealed class AffinityTable(IDatabase database)
{
    /// <summary>Rows per statement: 256 upserts bind 2,048 parameters, far below either engine's limit.</summary>
    internal const int ChunkSize = 256;

    /// <summary>Rows one prune statement deletes at most, so a large first prune never holds a writer off for long.</summary>
    internal const int PruneBatchSize = 10_000;

    private const string Select = """
        SELECT kind, pool, backend, consumer, created_at, expires_at, chain_tokens FROM affinity_records WHERE id = @id
        """;

    private const string Upsert = "INSERT INTO affinity_records (id, kind, pool, backend, consumer, created_at, expires_at, chain_tokens) VALUES ";

    private const string UpsertConflict = """

        ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, pool = excluded.pool, backend = excluded.backend,
            consumer = excluded.consumer, created_at = excluded.created_at, expires_at = excluded.expires_at,
            chain_tokens = excluded.chain_tokens
        """;

    private const string SqlitePrune = """
        DELETE FROM affinity_records WHERE id IN (
            SELECT id FROM affinity_records WHERE expires_at <= @now ORDER BY expires_at LIMIT @limit)
        """;

    // Instances pruning at the same moment take different rows instead of waiting on each other.
    private const string PostgresPrune = """
        DELETE FROM affinity_records WHERE id IN (
            SELECT id FROM affinity_records WHERE expires_at <= @now ORDER BY expires_at LIMIT @limit FOR UPDATE SKIP LOCKED)
        """;

    public DatabaseProvider Provider => database.Provider;

    /// <summary>The stored row of <paramref name="id"/>, expired or not; null when there is none.</summary>
    public async ValueTask<AffinityRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Select;
        command.AddParameter("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new AffinityRecord(id, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            DbTimestamps.Read(reader, 4), DbTimestamps.Read(reader, 5), reader.GetInt64(6));
    }

    /// <summary>Applies <paramref name="changes"/> (at most one per id, see <see cref="AffinityChange.Then"/>) in one transaction.</summary>
    public async Task WriteAsync(IReadOnlyCollection<AffinityChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0) return;
        var puts = new List<AffinityRecord>();
        var chains = new List<AffinityChange>();
        var removals = new List<string>();
        foreach (var change in changes)
        {
            if (change.Record is { } record) puts.Add(record);
            else if (change.Removed) removals.Add(change.Id);
            else chains.Add(change);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in puts.Chunk(ChunkSize)) await UpsertAsync(connection, transaction, chunk, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in chains.Chunk(ChunkSize)) await SetChainTokensAsync(connection, transaction, chunk, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in removals.Chunk(ChunkSize)) await DeleteAsync(connection, transaction, chunk, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every row expired at <paramref name="now"/>, in bounded statements; returns how many.</summary>
    public async Task<long> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            int deleted;
            await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = database.Provider == DatabaseProvider.Sqlite ? SqlitePrune : PostgresPrune;
                command.AddParameter("@now", DbTimestamps.ToDb(now, database.Provider)).AddParameter("@limit", PruneBatchSize);
                deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            total += deleted;
            if (deleted < PruneBatchSize) return total;
        }
    }

    private async Task UpsertAsync(DbConnection connection, DbTransaction transaction, AffinityRecord[] records, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder(Upsert);
        for (var i = 0; i < records.Length; i++)
        {
            var r = records[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}(@i{i}, @k{i}, @p{i}, @b{i}, @c{i}, @cr{i}, @ex{i}, @t{i})");
            command.AddParameter($"@i{i}", r.Id).AddParameter($"@k{i}", r.Kind).AddParameter($"@p{i}", r.Pool)
                .AddParameter($"@b{i}", r.Backend).AddParameter($"@c{i}", r.Consumer)
                .AddParameter($"@cr{i}", DbTimestamps.ToDb(r.CreatedAt, database.Provider))
                .AddParameter($"@ex{i}", DbTimestamps.ToDb(r.ExpiresAt, database.Provider))
                .AddParameter($"@t{i}", r.ChainTokens);
        }
        command.CommandText = sql.Append(UpsertConflict).ToString();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task SetChainTokensAsync(DbConnection connection, DbTransaction transaction, AffinityChange[] changes, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var cases = new StringBuilder("UPDATE affinity_records SET chain_tokens = CASE id");
        var ids = new StringBuilder(" END WHERE id IN (");
        for (var i = 0; i < changes.Length; i++)
        {
            cases.Append(CultureInfo.InvariantCulture, $" WHEN @i{i} THEN @t{i}");
            ids.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}@i{i}");
            command.AddParameter($"@i{i}", changes[i].Id).AddParameter($"@t{i}", changes[i].ChainTokens);
        }
        command.CommandText = cases.Append(ids).Append(')').ToString();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(DbConnection connection, DbTransaction transaction, string[] ids, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder("DELETE FROM affinity_records WHERE id IN (");
        for (var i = 0; i < ids.Length; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}@i{i}");
            command.AddParameter($"@i{i}", ids[i]);
        }
        command.CommandText = sql.Append(')').ToString();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
