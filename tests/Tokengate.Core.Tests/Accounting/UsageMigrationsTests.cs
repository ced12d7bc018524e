using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Storage;

namespace Tokengate.Accounting;

public sealed class UsageMigrationsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokengate-usage-migrations-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Migrations_LiveCallRows_NotInTheBatchIndexWhichTheBatchQueryStillUses()
    {
        await using var connection = await MigratedAsync();
        await ExecuteAsync(connection, """
            INSERT INTO usage_ledger (at, consumer, deployment, prompt_tokens, cached_tokens, completion_tokens, cost_nanousd, status, latency_ms, stream, usage_source, record_id, batch_id)
            VALUES ('2026-12-05T08:00:00.0000000Z', 'a', 'chat', 1, 0, 1, 0, 200, 1, 0, 'Reported', 'live-1', NULL),
                   ('2026-12-05T08:00:01.0000000Z', 'a', 'chat', 1, 0, 1, 0, 200, 1, 0, 'Reported', 'live-2', NULL),
                   ('2026-12-05T08:00:02.0000000Z', 'a', 'chat', 5, 0, 7, 0, 200, 1, 0, 'Reported', 'line-1', 'batch_1');
            """);

        // A partial index: live calls' rows (batch_id NULL) are not in it.
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT partial FROM pragma_index_list('usage_ledger') WHERE name = 'ix_usage_ledger_batch'"));
        var plan = await ScalarAsync(connection, "EXPLAIN QUERY PLAN SELECT COALESCE(SUM(prompt_tokens), 0) FROM usage_ledger WHERE batch_id = @value", "batch_1", column: 3);
        Assert.Contains("ix_usage_ledger_batch", (string)plan!, StringComparison.Ordinal);
        Assert.Equal(5L, await ScalarAsync(connection, "SELECT COALESCE(SUM(prompt_tokens), 0) FROM usage_ledger WHERE batch_id = @value", "batch_1"));
    }

    [Fact]
    public async Task Migrations_RowsWithoutAGroup_NotInTheGroupIndexWhichTheGroupQueriesStillUse()
    {
        await using var connection = await MigratedAsync();
        await ExecuteAsync(connection, """
            INSERT INTO usage_ledger (at, consumer, consumer_group, deployment, prompt_tokens, cached_tokens, completion_tokens, cost_nanousd, status, latency_ms, stream, usage_source, record_id)
            VALUES ('2026-12-05T08:00:00.0000000Z', 'solo', NULL, 'chat', 1, 0, 1, 0, 200, 1, 0, 'Reported', 'r-1'),
                   ('2026-12-05T08:00:01.0000000Z', 'a', 'apps', 'chat', 3, 0, 4, 0, 200, 1, 0, 'Reported', 'r-2'),
                   ('2026-12-05T08:00:02.0000000Z', 'b', 'apps', 'chat', 5, 0, 6, 0, 200, 1, 0, 'Reported', 'r-3');
            """);

        Assert.Equal(1L, await ScalarAsync(connection, "SELECT partial FROM pragma_index_list('usage_ledger') WHERE name = 'ix_usage_ledger_group_at'"));
        // The shapes of the group's budget seed and usage report: both still use the index.
        const string Spent = "SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM usage_ledger WHERE consumer_group = @value AND at >= '2026-12-05T00:00:00.0000000Z'";
        var plan = await ScalarAsync(connection, "EXPLAIN QUERY PLAN " + Spent, "apps", column: 3);
        Assert.Contains("ix_usage_ledger_group_at", (string)plan!, StringComparison.Ordinal);
        Assert.Equal(18L, await ScalarAsync(connection, Spent, "apps"));
    }

    /// <summary>A connection to a new database with every usage migration applied.</summary>
    private async Task<System.Data.Common.DbConnection> MigratedAsync()
    {
        var database = new SqliteDatabase(_directory);
        await new MigrationRunner(database, [new UsageMigrations()], new FakeTimeProvider(), NullLogger<MigrationRunner>.Instance).StartAsync(default);
        return await database.OpenConnectionAsync(default);
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql, string? value = null, int column = 0)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (value is not null)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@value";
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return reader.GetValue(column);
    }
}
