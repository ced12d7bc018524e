using System.Data.Common;
using Tokengate.Storage;

namespace Tokengate.Encryption;

/// <summary>The <c>encryption_keys</c> table on either engine (<see cref="EncryptionMigrations"/>). Keys in it are only ever wrapped.</summary>
internal sealed class DataKeyTable(IDatabase database)
{
    /// <summary>Stores a new wrapped key; false when the object has (or had) one.</summary>
    public async Task<bool> InsertAsync(string objectId, byte[] wrappedKey, string kekId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO encryption_keys (object_id, wrapped_key, kek_id, created_at) VALUES (@id, @key, @kek, @at)
            ON CONFLICT (object_id) DO NOTHING
            """;
        command.AddParameter("id", objectId).AddParameter("key", wrappedKey).AddParameter("kek", kekId).AddParameter("at", DbTimestamps.ToDb(at, database.Provider));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<DataKeyRecord?> FindAsync(string objectId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT object_id, wrapped_key, kek_id, created_at, destroyed_at FROM encryption_keys WHERE object_id = @id";
        command.AddParameter("id", objectId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>Up to <paramref name="limit"/> live keys wrapped by another KEK than <paramref name="currentKekId"/>, after <paramref name="afterObjectId"/> in id order.</summary>
    public async Task<IReadOnlyList<DataKeyRecord>> ListNotWrappedByAsync(string currentKekId, string afterObjectId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT object_id, wrapped_key, kek_id, created_at, destroyed_at FROM encryption_keys
            WHERE wrapped_key IS NOT NULL AND kek_id <> @kek AND object_id > @after
            ORDER BY object_id LIMIT @limit
            """;
        command.AddParameter("kek", currentKekId).AddParameter("after", afterObjectId).AddParameter("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<DataKeyRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(Read(reader));
        return rows;
    }

    /// <summary>
    /// Replaces a key's wrapping, only while it is still wrapped by <paramref name="oldKekId"/> and not destroyed (a
    /// shred that came in between wins); false when it was not replaced.
    /// </summary>
    public async Task<bool> RewrapAsync(string objectId, string oldKekId, byte[] wrappedKey, string kekId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE encryption_keys SET wrapped_key = @key, kek_id = @kek, rewrapped_at = @at
            WHERE object_id = @id AND kek_id = @old AND wrapped_key IS NOT NULL
            """;
        command.AddParameter("id", objectId).AddParameter("old", oldKekId).AddParameter("key", wrappedKey).AddParameter("kek", kekId)
            .AddParameter("at", DbTimestamps.ToDb(at, database.Provider));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Destroys the object's key, leaving a row that says so (made when the object had none, so it never gets one).
    /// On SQLite the cleared bytes are overwritten in the file (<c>secure_delete</c>); PostgreSQL frees them at its next vacuum.
    /// </summary>
    public async Task DestroyAsync(string objectId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA secure_delete = ON";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO encryption_keys (object_id, wrapped_key, kek_id, created_at, destroyed_at) VALUES (@id, NULL, NULL, @at, @at)
            ON CONFLICT (object_id) DO UPDATE SET wrapped_key = NULL, kek_id = NULL,
                destroyed_at = COALESCE(encryption_keys.destroyed_at, excluded.destroyed_at)
            """;
        command.AddParameter("id", objectId).AddParameter("at", DbTimestamps.ToDb(at, database.Provider));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many live data keys each KEK wraps (what a rotation left behind, before an old KEK is removed).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByKekAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT kek_id, COUNT(*) FROM encryption_keys WHERE wrapped_key IS NOT NULL GROUP BY kek_id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private static DataKeyRecord Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        DbTimestamps.Read(reader, 3),
        DbTimestamps.ReadNullable(reader, 4));
}
