using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// Fresh, migrated databases on either engine for store tests that run the same test on SQLite and PostgreSQL: a
/// new SQLite file per call in a temporary folder, or the test's own PostgreSQL database. Disposing removes both.
/// </summary>
internal sealed class TestDatabases : IAsyncDisposable
{
    private readonly DirectoryInfo _sqliteFolder = Directory.CreateTempSubdirectory("tokengate-store-");
    private readonly List<IDatabase> _opened = [];
    private readonly TestPostgres _postgres;

    private TestDatabases(TestPostgres postgres) => _postgres = postgres;

    public static async Task<TestDatabases> CreateAsync() => new(await TestPostgres.CreateAsync());

    /// <summary>An empty database of <paramref name="provider"/> with the migrations of <paramref name="schema"/> applied.</summary>
    public async Task<IDatabase> OpenAsync(DatabaseProvider provider, params IMigrationSource[] schema)
    {
        IDatabase database = provider == DatabaseProvider.Sqlite
            ? new SqliteDatabase(Path.Combine(_sqliteFolder.FullName, Guid.NewGuid().ToString("N")))
            : new PostgresDatabase(_postgres.ConnectionString);
        _opened.Add(database);
        await new MigrationRunner(database, schema, TimeProvider.System, NullLogger<MigrationRunner>.Instance).StartAsync(default);
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _opened.OfType<IAsyncDisposable>()) await database.DisposeAsync();
        await _postgres.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _sqliteFolder.Delete(recursive: true);
    }
}
