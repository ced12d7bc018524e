using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Affinity;
using Tokengate.Hosting;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>The gateway registers the store its state provider calls for, validates its options on start, and a graceful stop leaves the durable copy written.</summary>
public sealed class AffinityGatewayTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static Dictionary<string, string?> Config(Tokengate.Simulator.SimulatorServer backend, string data)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = data,
            ["Tokengate:Pools:chat:Backends:0:Model"] = "gpt-4o",
        };
        foreach (var (k, v) in TestBackends.Backend("chat", 0, "sim", backend)) settings[k] = v;
        return settings;
    }

    [Fact]
    public async Task Start_Default_RegistersTheMemoryStore()
    {
        await using var backend = await TestBackends.StartAsync();
        var data = Directory.CreateTempSubdirectory("tokengate-affinity-");
        try
        {
            await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(Config(backend, data.FullName)));
            var store = gateway.App.Services.GetRequiredService<IAffinityStore>();
            Assert.IsType<InMemoryAffinityStore>(store);
            var record = new AffinityRecord("resp_1", AffinityKinds.Response, "chat", "sim", "app", Now, Now.AddDays(30));
            await store.RecordAsync(record, default);
            Assert.Equal(record, await store.FindAsync("resp_1", default));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_RedisState_RegistersTheRedisStore_AndAGracefulStopLeavesTheDurableCopyWritten()
    {
        var variable = $"TOKENGATE_TEST_AFFINITY_GATEWAY_REDIS_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, TestRedis.Shared);
        await using var backend = await TestBackends.StartAsync();
        var data = Directory.CreateTempSubdirectory("tokengate-affinity-");
        try
        {
            var settings = Config(backend, data.FullName);
            settings["Tokengate:State:Provider"] = "Redis";
            settings["Tokengate:State:Redis:ConnectionString"] = $"env:{variable}";
            settings["Tokengate:State:Redis:KeyPrefix"] = $"tg-affinity-{Guid.NewGuid():N}:";
            var record = new AffinityRecord($"resp_{Guid.NewGuid():N}", AffinityKinds.Response, "chat", "sim", "app", Now, Now.AddDays(30), 12);
            await using (var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(settings)))
            {
                var store = gateway.App.Services.GetRequiredService<IAffinityStore>();
                Assert.IsType<RedisAffinityStore>(store);
                await store.RecordAsync(record, default);
                Assert.Equal(record with { CreatedAt = Truncated(Now), ExpiresAt = Truncated(Now.AddDays(30)) }, await store.FindAsync(record.Id, default));
            }

            var table = new AffinityTable(new SqliteDatabase(data.FullName));
            Assert.Equal("sim", (await table.FindAsync(record.Id, default))?.Backend);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_AffinityOptionsOutOfRange_RefusesToStartNamingThePath()
    {
        await using var backend = await TestBackends.StartAsync();
        var data = Directory.CreateTempSubdirectory("tokengate-affinity-");
        try
        {
            var settings = Config(backend, data.FullName);
            settings["Tokengate:Affinity:MaxRecords"] = "5";
            settings["Tokengate:Affinity:Lifetime"] = "00:10:00";

            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
                GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(settings)));

            Assert.Contains(ex.Failures, f => f.StartsWith("Tokengate:Affinity:MaxRecords:", StringComparison.Ordinal));
            Assert.Contains(ex.Failures, f => f.StartsWith("Tokengate:Affinity:Lifetime:", StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static DateTimeOffset Truncated(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
