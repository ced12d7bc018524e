using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Tokengate.Storage;

/// <summary>The embedded default: <c>tokengate.db</c> in the data folder, in WAL mode so readers never block the writer.</summary>
internal sealed class SqliteDatabase : IDatabase
{
    public const string FileName = "tokengate.db";
    private readonly string _connectionString;

    public SqliteDatabase(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        Path = System.IO.Path.Combine(System.IO.Path.GetFullPath(dataDirectory), FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    /// <summary>The database file.</summary>
    public string Path { get; }

    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var pragma = connection.CreateCommand();
        // busy_timeout lets a second process (the CLI next to a running gateway) wait for the writer instead of failing.
        // synchronous=NORMAL is SQLite's recommendation with WAL: no fsync per commit, still safe if the process
        // crashes; only an operating-system crash or power loss can take back the last commits.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
