using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Tokengate.Recovery;

/// <summary>Reads what a backup needs from a SQLite snapshot file (never the live database): its tables' sizes and its files.</summary>
internal static class SnapshotReader
{
    public static async Task<IReadOnlyDictionary<string, long>> TableCountsAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, cancellationToken).ConfigureAwait(false);
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) tables.Add(reader.GetString(0));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        return counts;
    }

    /// <summary>The stored files (none when the snapshot has no file store yet), each with the KEK of its data key.</summary>
    public static async Task<IReadOnlyList<SnapshotFile>> FilesAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, cancellationToken).ConfigureAwait(false);
        if (!await TableExistsAsync(connection, "files", cancellationToken).ConfigureAwait(false)) return [];
        var keys = await TableExistsAsync(connection, "encryption_keys", cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = keys
            ? "SELECT f.id, f.bytes, f.sha256, k.kek_id FROM files f LEFT JOIN encryption_keys k ON k.object_id = f.id ORDER BY f.id"
            : "SELECT id, bytes, sha256, NULL FROM files ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var files = new List<SnapshotFile>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            files.Add(new SnapshotFile(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        return files;
    }

    public static async Task<SqliteConnection> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(SqliteSnapshot.ConnectionString(path, readOnly: true));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public static async Task<bool> TableExistsAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name";
        command.Parameters.AddWithValue("@name", table);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }
}
