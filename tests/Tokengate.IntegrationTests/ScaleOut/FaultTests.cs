using System.Net;
using Npgsql;
using Tokengate.Accounting;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>A fleet of three gateways losing Redis or PostgreSQL under load, and getting it back.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task Redis_StoppedAndRestartedDuringLoad_NoRequestFails_ReadyzReportsTheFallback_AndSharedStateReturns()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        // Limits that a single instance would never reach with this load, even divided by three during the outage.
        await using var fleet = await FleetHarness.StartAsync(3, redis.Endpoint, postgres.ConnectionString, [("sim", backend, 1)],
            new() { ["Tokengate:Limits:Consumers:app:TokensPerMinute"] = "3000000", ["Tokengate:Limits:Consumers:app:ConcurrentRequests"] = "300" });
        foreach (var i in Enumerable.Range(0, 3)) Assert.Equal("shared", FleetHarness.ReadyzState((await fleet.ReadyzAsync(i)).Body));

        var load = new FleetLoad(fleet, workersPerInstance: 4);
        await load.ProgressAsync(30);

        await redis.StopAsync();
        await PollReadyzAsync(fleet, "local-fallback", "degraded");
        await load.ProgressAsync(60);

        await redis.StartAgainAsync();
        await PollReadyzAsync(fleet, "shared", "ready");
        await load.ProgressAsync(60);
        await load.StopAsync();

        Assert.Empty(load.Failures);
        await fleet.DisposeAsync();
        Assert.Equal((load.Completed, load.Completed), await FleetHarness.LedgerAsync(postgres.ConnectionString));
    }

    [Fact]
    public async Task Postgres_UnreachableDuringLoad_LedgerSpoolsAndReplays_ExactlyOneRecordPerCompletedRequest()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        await using var forwarder = new TcpForwarder(new IPEndPoint(IPAddress.Parse(direct.Host!), direct.Port));
        var viaForwarder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = forwarder.Port, Timeout = 3 }.ToString();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(3, TestRedis.Shared, viaForwarder, [("sim", backend, 1)]);

        var load = new FleetLoad(fleet, workersPerInstance: 4);
        await load.ProgressAsync(30);

        forwarder.Disable();
        await Secrets.Poll.UntilAsync(() => Enumerable.Range(0, 3).All(i => fleet.Service<LedgerSpool>(i).Pending > 0), TimeSpan.FromSeconds(20));
        Assert.Contains("\"spooled\":", (await fleet.ReadyzAsync(0)).Body);
        await load.ProgressAsync(60);

        forwarder.Enable();
        await load.ProgressAsync(30);
        await Secrets.Poll.UntilAsync(() => Enumerable.Range(0, 3).All(i => fleet.Service<LedgerSpool>(i).Pending == 0), TimeSpan.FromSeconds(20));
        await load.StopAsync();

        Assert.Empty(load.Failures);
        await fleet.DisposeAsync();
        Assert.Equal((load.Completed, load.Completed), await FleetHarness.LedgerAsync(postgres.ConnectionString));
    }

    private static async Task PollReadyzAsync(FleetHarness fleet, string mode, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        for (var i = 0; i < fleet.Gateways.Count; i++)
        {
            while (true)
            {
                var (code, body) = await fleet.ReadyzAsync(i);
                Assert.Equal(HttpStatusCode.OK, code);
                if (FleetHarness.ReadyzState(body) == mode && body.Contains($"\"status\":\"{status}\"", StringComparison.Ordinal)) break;
                Assert.True(DateTime.UtcNow < deadline, $"instance {i} did not report {mode}: {body}");
                await Task.Delay(20);
            }
        }
    }
}
