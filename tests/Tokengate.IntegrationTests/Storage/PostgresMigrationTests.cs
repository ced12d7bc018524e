using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Storage;

/// <summary>The migration runner on a real PostgreSQL server.</summary>
public sealed class PostgresMigrationTests : IAsyncLifetime
{
    private TestPostgres _postgres = null!;

    public async Task InitializeAsync() => _postgres = await TestPostgres.CreateAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task StartAsync_ThreeInstancesAtOnce_ApplyEachMigrationOnce()
    {
        var source = new Source(
            new Migration("0001_table", "", "CREATE TABLE things (name TEXT NOT NULL)"),
            new Migration("0002_row", "", "INSERT INTO things (name) VALUES ('x')"));
        var databases = Enumerable.Range(0, 3).Select(_ => new PostgresDatabase(_postgres.ConnectionString)).ToList();

        await Task.WhenAll(databases.Select(d =>
            new MigrationRunner(d, [source], TimeProvider.System, NullLogger<MigrationRunner>.Instance).StartAsync(default)));

        await using var connection = await databases[0].OpenConnectionAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM things) * 10 + (SELECT count(*) FROM schema_migrations)";
        Assert.Equal(12L, await command.ExecuteScalarAsync());
        foreach (var d in databases) await d.DisposeAsync();
    }

    private sealed class Source(params Migration[] migrations) : IMigrationSource
    {
        public IEnumerable<Migration> Migrations => migrations;
    }
}
