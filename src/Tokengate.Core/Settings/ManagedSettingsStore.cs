using System.Data.Common;
using System.Globalization;
using Tokengate.Storage;

namespace Tokengate.Settings;

/// <summary>The <c>managed_settings</c> table in the configured database (SQLite or PostgreSQL).</summary>
internal sealed class ManagedSettingsStore(IDatabase database, TimeProvider time)
{
    /// <summary>The current version number, without reading the keys.</summary>
    public async Task<long> VersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every key with its value, and the version they belong to (read in one transaction).</summary>
    public async Task<StoredSettings> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var version = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var values = await ReadValuesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoredSettings(version, values);
    }

    /// <summary>
    /// Removes every key under each of <paramref name="clear"/> (the key itself and its children), then stores
    /// <paramref name="set"/>, and increments the version; all in one transaction. Names compare case-insensitively, as
    /// configuration keys do.
    /// </summary>
    public async Task ReplaceAsync(IReadOnlyList<string> clear, IReadOnlyDictionary<string, string?> set, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // SQLite: Microsoft.Data.Sqlite begins IMMEDIATE (the write lock); PostgreSQL: the version row is locked first.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockVersion = connection.CreateCommand())
        {
            lockVersion.Transaction = transaction;
            lockVersion.CommandText = "UPDATE managed_settings_version SET version = version + 1 WHERE id = 1";
            await lockVersion.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var existing = await ReadValuesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        foreach (var key in existing.Keys)
        {
            if (!clear.Any(prefix => SettingsKeys.IsUnder(key, prefix)) && !set.ContainsKey(key)) continue;
            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM managed_settings WHERE key = @key";
            delete.AddParameter("@key", key);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var now = DbTimestamps.ToDb(time.GetUtcNow(), database.Provider);
        foreach (var (key, value) in set)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO managed_settings (key, value, updated_at, updated_by) VALUES (@key, @value, @at, @by)";
            insert.AddParameter("@key", key).AddParameter("@value", value).AddParameter("@at", now).AddParameter("@by", actor);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ReadVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM managed_settings_version WHERE id = 1";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L, CultureInfo.InvariantCulture);
    }

    private static async Task<Dictionary<string, string?>> ReadValuesAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT key, value FROM managed_settings";
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            values[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return values;
    }
}
