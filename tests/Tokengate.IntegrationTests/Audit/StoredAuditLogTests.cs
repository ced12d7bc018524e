using Tokengate.Audit;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Audit;

/// <summary>The audit log on both engines: stored, filtered, and append-only even for direct SQL.</summary>
public sealed class StoredAuditLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private TestDatabases _databases = null!;

    public async Task InitializeAsync() => _databases = await TestDatabases.CreateAsync();

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task QueryAsync_AfterAppends_FiltersAndOrdersNewestFirst(DatabaseProvider provider)
    {
        var database = await OpenAsync(provider);
        var log = new StoredAuditLog(database);
        await log.AppendAsync(new AuditRecord(T0, "alice", "key.created", "key-1", "10.0.0.1", "success"), default);
        await log.AppendAsync(new AuditRecord(T0.AddMinutes(1), "bob", "key.revoked", "key-1", null, "success", "leaked"), default);
        await log.AppendAsync(new AuditRecord(T0.AddMinutes(2), "alice", "elevation.requested", "admin", null, "success"), default);

        var all = await log.QueryAsync(new AuditQuery(), default);
        Assert.Equal(["elevation.requested", "key.revoked", "key.created"], all.Select(r => r.Action));
        Assert.Equal(T0.AddMinutes(1), all[1].At);
        Assert.Equal("leaked", all[1].Detail);

        Assert.Equal(2, (await log.QueryAsync(new AuditQuery(Actor: "alice"), default)).Count);
        Assert.Equal(["key.revoked", "key.created"], (await log.QueryAsync(new AuditQuery(ActionPrefix: "key."), default)).Select(r => r.Action));
        Assert.Equal(2, (await log.QueryAsync(new AuditQuery(Since: T0.AddMinutes(1)), default)).Count);
        Assert.Single(await log.QueryAsync(new AuditQuery(Limit: 1), default));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task AppendAsync_Batch_StoredInOrderWithCounts(DatabaseProvider provider)
    {
        var database = await OpenAsync(provider);
        IAuditLog log = new StoredAuditLog(database);
        await log.AppendAsync(new AuditRecord(T0, "alice", "key.created", "key-1", null, "success"), default);
        await log.AppendAsync(
        [
            new AuditRecord(T0.AddMinutes(1), "(unauthenticated)", "admin.unauthenticated", "GET /admin/pools", "203.0.113.7", "denied", "no credential") { Count = 10 },
            new AuditRecord(T0.AddMinutes(1), "(unauthenticated)", "authentication.failed", "POST /v1/chat/completions", "203.0.113.8", "denied", "invalid key") { Count = 3_000_000_000 },
        ], default);

        var all = await log.QueryAsync(new AuditQuery(), default);
        Assert.Equal(["authentication.failed", "admin.unauthenticated", "key.created"], all.Select(r => r.Action));
        Assert.Equal([3_000_000_000L, 10L, 1L], all.Select(r => r.Count));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "UPDATE audit_log SET actor = 'mallory'")]
    [InlineData(DatabaseProvider.Sqlite, "DELETE FROM audit_log")]
    [InlineData(DatabaseProvider.PostgreSql, "UPDATE audit_log SET actor = 'mallory'")]
    [InlineData(DatabaseProvider.PostgreSql, "DELETE FROM audit_log")]
    public async Task Table_UpdateOrDelete_IsRefused(DatabaseProvider provider, string sql)
    {
        var database = await OpenAsync(provider);
        await new StoredAuditLog(database).AppendAsync(new AuditRecord(T0, "alice", "key.created", null, null, "success"), default);

        await using (var connection = await database.OpenConnectionAsync(default))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            var ex = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", ex.Message, StringComparison.Ordinal);
        }
        Assert.Equal("alice", Assert.Single(await new StoredAuditLog(database).QueryAsync(new AuditQuery(), default)).Actor);
    }

    private Task<IDatabase> OpenAsync(DatabaseProvider provider) => _databases.OpenAsync(provider, new AuditMigrations());
}
