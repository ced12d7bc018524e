using System.Data.Common;
using Tokengate.Storage;

namespace Tokengate.Audit;

/// <summary>The audit log in the configured database (SQLite or PostgreSQL).</summary>
internal sealed class StoredAuditLog(IDatabase database) : IAuditLog
{
    private const string Insert = """
        INSERT INTO audit_log (at, actor, action, target, client_address, outcome, detail, count)
        VALUES (@at, @actor, @action, @target, @client, @outcome, @detail, @count)
        """;

    public async ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Insert;
        Bind(command, record);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>All records in one transaction: one commit (one WAL sync on SQLite) for a whole batch.</summary>
    public async ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Insert;
            Bind(command, record);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.Since is { } since)
        {
            where.Add("at >= @since");
            command.AddParameter("@since", DbTimestamps.ToDb(since, database.Provider));
        }
        if (query.Actor is { } actor)
        {
            where.Add("actor = @actor");
            command.AddParameter("@actor", actor);
        }
        if (query.ActionPrefix is { } prefix)
        {
            where.Add("substr(action, 1, @prefixLength) = @prefix");
            command.AddParameter("@prefix", prefix).AddParameter("@prefixLength", prefix.Length);
        }
        command.CommandText = $"""
            SELECT id, at, actor, action, target, client_address, outcome, detail, count FROM audit_log
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY id DESC LIMIT @limit
            """;
        command.AddParameter("@limit", Math.Clamp(query.Limit, 1, 10_000));

        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new AuditRecord(
                DbTimestamps.Read(reader, 1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)) { Id = reader.GetInt64(0), Count = reader.GetInt64(8) });
        }
        return records;
    }

    private void Bind(DbCommand command, AuditRecord record) =>
        command.AddParameter("@at", DbTimestamps.ToDb(record.At, database.Provider))
            .AddParameter("@actor", record.Actor)
            .AddParameter("@action", record.Action)
            .AddParameter("@target", record.Target)
            .AddParameter("@client", record.ClientAddress)
            .AddParameter("@outcome", record.Outcome)
            .AddParameter("@detail", record.Detail)
            .AddParameter("@count", record.Count);
}
