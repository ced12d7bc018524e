using System.Net;
using Npgsql;
using Tokengate.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>A fleet of three gateway processes losing Redis or PostgreSQL under load, and getting it back.</summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly int[] All = [0, 1, 2];

    [Fact]
    public async Task Redis_StoppedAndRestartedDuringLoad_NoRequestFails_ReadyzReportsTheFallback_AndSharedStateReturns()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await ProcessFleet.StartBackendAsync();
        // Limits that a single instance would never reach with this load, even divided by three during the outage.
        await using var fleet = await ProcessFleet.StartAsync(redis.Endpoint, postgres.ConnectionString, [("sim", backend, 1)],
            new() { ["Tokengate:Limits:Consumers:app:TokensPerMinute"] = "3000000", ["Tokengate:Limits:Consumers:app:ConcurrentRequests"] = "300" });
        foreach (var i in All) Assert.Equal("shared", ProcessFleet.StateMode((await fleet.ReadyzAsync(i)).Body));

        var load = new FleetLoad(fleet, workersPerInstance: 4);
        await load.ProgressAsync(30);

        await redis.StopAsync();
        await fleet.UntilReadyzAsync(All, b => ProcessFleet.StateMode(b) == "local-fallback" && ProcessFleet.Status(b) == "degraded", TimeSpan.FromSeconds(20), "local-fallback");
        await load.ProgressAsync(60);

        await redis.StartAgainAsync();
        await fleet.UntilReadyzAsync(All, b => ProcessFleet.StateMode(b) == "shared" && ProcessFleet.Status(b) == "ready", TimeSpan.FromSeconds(20), "shared");
        await load.ProgressAsync(60);
        await load.StopAsync();

        Assert.Empty(load.Failures);
        await fleet.StopAsync();
        output.WriteLine($"{load.Completed} requests, none failed");
        Assert.Equal((load.Completed, load.Completed), await ProcessFleet.LedgerAsync(postgres.ConnectionString));
    }

    [Fact]
    public async Task Postgres_UnreachableDuringLoad_LedgerSpoolsAndReplays_ExactlyOneRecordPerCompletedRequest()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        await using var forwarder = new TcpForwarder(new IPEndPoint(IPAddress.Parse(direct.Host!), direct.Port));
        var viaForwarder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = forwarder.Port, Timeout = 3 }.ToString();
        await using var backend = await ProcessFleet.StartBackendAsync();
        await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, viaForwarder, [("sim", backend, 1)]);

        var load = new FleetLoad(fleet, workersPerInstance: 4);
        await load.ProgressAsync(30);

        forwarder.Disable();
        await fleet.UntilReadyzAsync(All, b => Spooled(b) > 0, TimeSpan.FromSeconds(20), "records spooled");
        await load.ProgressAsync(60);

        forwarder.Enable();
        await load.ProgressAsync(30);
        await fleet.UntilReadyzAsync(All, b => Spooled(b) == 0, TimeSpan.FromSeconds(20), "the spool replayed");
        await load.StopAsync();

        Assert.Empty(load.Failures);
        await fleet.StopAsync();
        output.WriteLine($"{load.Completed} requests, none failed");
        Assert.Equal((load.Completed, load.Completed), await ProcessFleet.LedgerAsync(postgres.ConnectionString));
    }

    private static long Spooled(System.Text.Json.JsonElement readyz) => readyz.GetProperty("ledger").GetProperty("spooled").GetInt64();
}
