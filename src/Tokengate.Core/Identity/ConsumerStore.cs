using System.Data.Common;
using System.Globalization;
using Tokengate.Storage;

namespace Tokengate.Identity;

/// <summary>
/// Consumers and gateway-issued keys in the configured database (SQLite or PostgreSQL). Keys are stored as the
/// upper-case hex of their SHA-256 only. This class is the admin plane; the request path reads the in-memory
/// <see cref="ConsumerDirectory"/> that is loaded from <see cref="LoadActiveKeysAsync"/>.
/// </summary>
internal sealed class ConsumerStore(IDatabase database, TimeProvider time)
{
    /// <summary>At most this many keys of one consumer are active at once: the current one and its successor.</summary>
    public const int MaxActiveKeys = 2;

    private const string ConsumerColumns = "name, consumer_group, roles, created_at, disabled_at";
    private const string KeyColumns = "id, consumer, prefix, created_at, expires_at, revoked_at";
    private const string ActiveKey = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)";

    /// <summary>Creates the consumer; false when the name is taken (also by a disabled consumer).</summary>
    public async Task<bool> TryCreateConsumerAsync(ConsumerRecord consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO consumers ({ConsumerColumns}) VALUES (@name, @group, @roles, @created, NULL) ON CONFLICT (name) DO NOTHING";
        command.AddParameter("@name", consumer.Name)
            .AddParameter("@group", consumer.Group)
            .AddParameter("@roles", string.Join(',', consumer.Roles))
            .AddParameter("@created", DbTimestamps.ToDb(consumer.CreatedAt, database.Provider));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<ConsumerRecord?> FindConsumerAsync(string name, CancellationToken cancellationToken) =>
        (await QueryConsumersAsync("WHERE name = @name", c => c.AddParameter("@name", name), cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>
    /// The stored consumer whose name equals <paramref name="name"/> regardless of case. Policies in configuration are
    /// looked up without regard to case, so two consumers whose names differ only in case would share them.
    /// </summary>
    public async Task<ConsumerRecord?> FindConsumerIgnoringCaseAsync(string name, CancellationToken cancellationToken) =>
        (await QueryConsumersAsync("WHERE lower(name) = lower(@name)", c => c.AddParameter("@name", name), cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<ConsumerRecord>> ListConsumersAsync(CancellationToken cancellationToken) =>
        QueryConsumersAsync("ORDER BY name", _ => { }, cancellationToken);

    /// <summary>Disables the consumer (its keys stop working); null when there is no such consumer.</summary>
    public async Task<ConsumerRecord?> DisableConsumerAsync(string name, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE consumers SET disabled_at = @now WHERE name = @name AND disabled_at IS NULL";
            command.AddParameter("@now", DbTimestamps.ToDb(time.GetUtcNow(), database.Provider)).AddParameter("@name", name);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return await FindConsumerAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the consumer to <paramref name="group"/> (null: none); null when there is no such consumer.</summary>
    public async Task<ConsumerRecord?> UpdateGroupAsync(string name, string? group, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE consumers SET consumer_group = @group WHERE name = @name";
            command.AddParameter("@group", group).AddParameter("@name", name);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return await FindConsumerAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores a key for an enabled consumer unless it already has <see cref="MaxActiveKeys"/> active keys. The check
    /// and the insert are one transaction with the consumer's row locked, so two concurrent creations cannot both win.
    /// </summary>
    public async Task<KeyCreationOutcome> TryCreateKeyAsync(KeyRecord key, string hashHex, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // SQLite: Microsoft.Data.Sqlite begins IMMEDIATE, which takes the write lock; PostgreSQL: FOR UPDATE below.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = DbTimestamps.ToDb(time.GetUtcNow(), database.Provider);

        await using (var consumer = connection.CreateCommand())
        {
            consumer.Transaction = transaction;
            consumer.CommandText = "SELECT 1 FROM consumers WHERE name = @name AND disabled_at IS NULL"
                + (database.Provider == DatabaseProvider.PostgreSql ? " FOR UPDATE" : "");
            consumer.AddParameter("@name", key.Consumer);
            if (await consumer.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                return KeyCreationOutcome.UnknownConsumer;
        }

        await using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = $"SELECT COUNT(*) FROM consumer_keys WHERE consumer = @name AND {ActiveKey}";
            count.AddParameter("@name", key.Consumer).AddParameter("@now", now);
            if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) >= MaxActiveKeys)
                return KeyCreationOutcome.TooManyActiveKeys;
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO consumer_keys ({KeyColumns}, key_hash) VALUES (@id, @consumer, @prefix, @created, @expires, NULL, @hash)";
            insert.AddParameter("@id", key.Id)
                .AddParameter("@consumer", key.Consumer)
                .AddParameter("@prefix", key.Prefix)
                .AddParameter("@created", DbTimestamps.ToDb(key.CreatedAt, database.Provider))
                .AddParameter("@expires", key.ExpiresAt is { } e ? DbTimestamps.ToDb(e, database.Provider) : null)
                .AddParameter("@hash", hashHex);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return KeyCreationOutcome.Created;
    }

    public async Task<KeyRecord?> FindKeyAsync(string id, CancellationToken cancellationToken) =>
        (await QueryKeysAsync("WHERE id = @id", c => c.AddParameter("@id", id), cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>The key stored with this hash (upper-case hex), if any.</summary>
    public async Task<KeyRecord?> FindKeyByHashAsync(string hashHex, CancellationToken cancellationToken) =>
        (await QueryKeysAsync("WHERE key_hash = @hash", c => c.AddParameter("@hash", hashHex), cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Keys of one consumer, or of all, oldest first.</summary>
    public Task<IReadOnlyList<KeyRecord>> ListKeysAsync(string? consumer, CancellationToken cancellationToken) => consumer is null
        ? QueryKeysAsync("ORDER BY created_at, id", _ => { }, cancellationToken)
        : QueryKeysAsync("WHERE consumer = @consumer ORDER BY created_at, id", c => c.AddParameter("@consumer", consumer), cancellationToken);

    /// <summary>Revokes the key now; false when it does not exist or was already revoked.</summary>
    public Task<bool> RevokeKeyAsync(string id, CancellationToken cancellationToken) =>
        UpdateKeyAsync("UPDATE consumer_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", id, time.GetUtcNow(), cancellationToken);

    /// <summary>Makes the key expire at <paramref name="at"/> unless it already expires earlier.</summary>
    public Task<bool> ShortenExpiryAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateKeyAsync("UPDATE consumer_keys SET expires_at = @at WHERE id = @id AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @at)", id, at, cancellationToken);

    /// <summary>Every key that works right now (not revoked, not expired, consumer enabled), for the in-memory lookup.</summary>
    public async Task<IReadOnlyList<ActiveKeyRow>> LoadActiveKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT k.key_hash, c.name, c.consumer_group, c.roles, k.expires_at
            FROM consumer_keys k JOIN consumers c ON c.name = k.consumer
            WHERE c.disabled_at IS NULL AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > @now)
            """;
        command.AddParameter("@now", DbTimestamps.ToDb(time.GetUtcNow(), database.Provider));
        var rows = new List<ActiveKeyRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ActiveKeyRow(reader.GetString(0), reader.GetString(1), NullableString(reader, 2), SplitRoles(reader.GetString(3)), DbTimestamps.ReadNullable(reader, 4)));
        }
        return rows;
    }

    private async Task<bool> UpdateKeyAsync(string sql, string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.AddParameter("@id", id).AddParameter("@at", DbTimestamps.ToDb(at, database.Provider));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<IReadOnlyList<ConsumerRecord>> QueryConsumersAsync(string tail, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ConsumerColumns} FROM consumers {tail}";
        parameters(command);
        var consumers = new List<ConsumerRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            consumers.Add(new ConsumerRecord(reader.GetString(0), NullableString(reader, 1), SplitRoles(reader.GetString(2)),
                DbTimestamps.Read(reader, 3), DbTimestamps.ReadNullable(reader, 4)));
        }
        return consumers;
    }

    private async Task<IReadOnlyList<KeyRecord>> QueryKeysAsync(string tail, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM consumer_keys {tail}";
        parameters(command);
        var keys = new List<KeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new KeyRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), DbTimestamps.Read(reader, 3),
                DbTimestamps.ReadNullable(reader, 4), DbTimestamps.ReadNullable(reader, 5)));
        }
        return keys;
    }

    private static string[] SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);



}
