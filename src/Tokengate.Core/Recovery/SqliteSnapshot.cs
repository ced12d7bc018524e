using Microsoft.Data.Sqlite;
using Tokengate.Storage;

namespace Tokengate.Recovery;

/// <summary>
/// A consistent copy of a live SQLite database through SQLite's online backup API: the pages are copied in one step
/// under one read transaction, so the copy is the database as of one moment while the gateway keeps writing (WAL:
/// readers never block the writer).
/// </summary>
internal static class SqliteSnapshot
{
    /// <summary>Copies the live database into <paramref name="destinationPath"/> (a new file); returns the moment it is consistent as of.</summary>
    public static async Task<DateTimeOffset> TakeAsync(IDatabase database, string destinationPath, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var source = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var destination = new SqliteConnection(ConnectionString(destinationPath));
        await destination.OpenAsync(cancellationToken).ConfigureAwait(false);
        var at = time.GetUtcNow();
        ((SqliteConnection)source).BackupDatabase(destination);
        // The copy carries the live file's WAL mode; a single self-contained file is what a backup wants (a restored
        // database goes back to WAL when the gateway first opens it).
        await using (var command = destination.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode=DELETE";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return at;
    }

    /// <summary>A connection string for a file outside the pool (so the file can be moved or deleted as soon as it is closed).</summary>
    public static string ConnectionString(string path, bool readOnly = false) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
    }.ToString();
}
