using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tokengate.Accounting;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>
/// The ledger retention job on both engines, on the harness's fake clock: rows older than the retention go in
/// bounded batches when the hourly tick comes, recent rows stay.
/// </summary>
public sealed class LedgerRetentionTests
{
    private const int Old = LedgerRetention.BatchSize * 2 + 500;  // three statements' worth
    private static readonly TimeSpan Retention = TimeSpan.FromDays(400);

    [Fact]
    public async Task HourlyTick_Sqlite_DeletesRowsOlderThanTheRetention_KeepsRecentOnes()
    {
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Accounting:LedgerRetention"] = "400.00:00:00" });
        var path = Path.Combine(h.Data.FullName, "tokengate.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await connection.OpenAsync();
            await InsertAsync(connection, h.Time.GetUtcNow(), at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }

        h.Time.Advance(TimeSpan.FromHours(1));
        var (old, recent) = await WaitForPurgeAsync(() => new SqliteConnection($"Data Source={path};Pooling=false"));
        Assert.Equal(0, old);
        Assert.Equal(3, recent);
    }

    [Fact]
    public async Task HourlyTick_PostgreSql_DeletesRowsOlderThanTheRetention_AlsoWithASecondPurgeRunningAtOnce()
    {
        var variable = "TOKENGATE_TEST_RETENTION_PG_" + Guid.NewGuid().ToString("N");
        await using var postgres = await TestPostgres.CreateAsync();
        Environment.SetEnvironmentVariable(variable, postgres.ConnectionString);
        try
        {
            await using var h = await LimitsHarness.StartAsync(new()
            {
                ["Tokengate:Data:Provider"] = "PostgreSql",
                ["Tokengate:Data:ConnectionString"] = "env:" + variable,
            });
            await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
            {
                await connection.OpenAsync();
                await InsertAsync(connection, h.Time.GetUtcNow(), at => at.UtcDateTime);
            }

            // Another instance purging at the same moment (same job, same database) takes different rows or none.
            var other = h.Gateway.App.Services.GetRequiredService<LedgerRetention>();
            h.Time.Advance(TimeSpan.FromHours(1));
            var concurrent = other.PurgeAsync(h.Time.GetUtcNow() - Retention, CancellationToken.None);
            var (old, recent) = await WaitForPurgeAsync(() => new NpgsqlConnection(postgres.ConnectionString));
            Assert.InRange(await concurrent, 0, Old);
            Assert.Equal(0, old);
            Assert.Equal(3, recent);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    /// <summary>
    /// <see cref="Old"/> rows from 401 days before <paramref name="now"/>, one just past the retention an hour
    /// later, and three recent ones (one just inside the retention an hour later, one a day old, one now).
    /// </summary>
    private static async Task InsertAsync(DbConnection connection, DateTimeOffset now, Func<DateTimeOffset, object> at)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO usage_ledger (at, consumer, deployment, prompt_tokens, cached_tokens, completion_tokens, cost_nanousd,
                status, latency_ms, stream, usage_source, record_id)
            VALUES (@at, 'app', 'chat', 10, 0, 5, 100, 200, 1.5, FALSE, 'Reported', @id)
            """;
        var atParameter = command.CreateParameter();
        atParameter.ParameterName = "@at";
        command.Parameters.Add(atParameter);
        var idParameter = command.CreateParameter();
        idParameter.ParameterName = "@id";
        command.Parameters.Add(idParameter);
        if (connection is SqliteConnection) await command.PrepareAsync();
        var times = Enumerable.Repeat(now - TimeSpan.FromDays(401), Old - 1)
            .Append(now - Retention + TimeSpan.FromMinutes(30))
            .Append(now - Retention + TimeSpan.FromHours(2))
            .Append(now - TimeSpan.FromDays(1))
            .Append(now);
        foreach (var time in times)
        {
            atParameter.Value = at(time);
            idParameter.Value = Guid.NewGuid().ToString();
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    private static async Task<(long Old, long Recent)> WaitForPurgeAsync(Func<DbConnection> connect)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var cutoff = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero) - Retention;
        while (true)
        {
            var counts = await CountAsync(connect(), cutoff);
            if (counts.Old == 0 || DateTime.UtcNow > deadline) return counts;
            await Task.Delay(25);
        }
    }

    private static async Task<(long Old, long Recent)> CountAsync(DbConnection connection, DateTimeOffset cutoff)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT at FROM usage_ledger";
            long old = 0, recent = 0;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var value = reader.GetValue(0);
                var at = value is string text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : new DateTimeOffset((DateTime)value);
                if (at < cutoff) old++;
                else recent++;
            }
            return (old, recent);
        }
    }
}
