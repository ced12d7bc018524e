using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Storage;

public sealed class MigrationRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokengate-migrations-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task StartAsync_NewDatabase_AppliesMigrationsInIdOrder()
    {
        var database = new SqliteDatabase(_directory);
        // Given out of order: the second creates a row in the first's table, so order matters.
        await Runner(database, new Source(
            new Migration("0002_row", "INSERT INTO things (name) VALUES ('a')", ""),
            new Migration("0001_table", "CREATE TABLE things (name TEXT)", ""))).StartAsync(default);

        Assert.Equal(["0001_table", "0002_row"], await ScalarListAsync(database, "SELECT id FROM schema_migrations ORDER BY id"));
        Assert.Equal(["a"], await ScalarListAsync(database, "SELECT name FROM things"));
    }

    [Fact]
    public async Task StartAsync_RunTwice_AppliesEachMigrationOnce()
    {
        var database = new SqliteDatabase(_directory);
        var source = new Source(new Migration("0001_table", "CREATE TABLE things (name TEXT); INSERT INTO things VALUES ('x');", ""));
        await Runner(database, source).StartAsync(default);
        await Runner(database, source).StartAsync(default);
        Assert.Equal(["x"], await ScalarListAsync(database, "SELECT name FROM things"));
    }

    [Fact]
    public async Task StartAsync_TwoInstancesAtOnce_BothSucceedAndApplyOnce()
    {
        var source = new Source(new Migration("0001_table", "CREATE TABLE things (name TEXT); INSERT INTO things VALUES ('x');", ""));
        await Task.WhenAll(
            Runner(new SqliteDatabase(_directory), source).StartAsync(default),
            Runner(new SqliteDatabase(_directory), source).StartAsync(default));
        Assert.Equal(["x"], await ScalarListAsync(new SqliteDatabase(_directory), "SELECT name FROM things"));
    }

    [Fact]
    public async Task StartAsync_FailingMigration_ThrowsAndLeavesNothingHalfApplied()
    {
        var database = new SqliteDatabase(_directory);
        var source = new Source(
            new Migration("0001_table", "CREATE TABLE things (name TEXT)", ""),
            new Migration("0002_broken", "THIS IS NOT SQL", ""));
        await Assert.ThrowsAsync<SqliteException>(() => Runner(database, source).StartAsync(default));
        Assert.Empty(await ScalarListAsync(database, "SELECT id FROM schema_migrations"));
    }

    [Fact]
    public async Task StartAsync_DuplicateIds_Throws()
    {
        var source = new Source(new Migration("0001", "SELECT 1", ""), new Migration("0001", "SELECT 2", ""));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Runner(new SqliteDatabase(_directory), source).StartAsync(default));
        Assert.Contains("0001", ex.Message, StringComparison.Ordinal);
    }

    private static MigrationRunner Runner(IDatabase database, params IMigrationSource[] sources) =>
        new(database, sources, new FakeTimeProvider(), NullLogger<MigrationRunner>.Instance);

    private static async Task<List<string>> ScalarListAsync(IDatabase database, string sql)
    {
        await using var connection = await database.OpenConnectionAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    private sealed class Source(params Migration[] migrations) : IMigrationSource
    {
        public IEnumerable<Migration> Migrations => migrations;
    }
}
