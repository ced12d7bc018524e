using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Routing;

/// <summary>
/// Dedicated pools per consumer group through a gateway: one simulator with a deployment per pool (team A's, team
/// B's, the shared one), so the simulator's counts show which pool served; team A's pool overflows to the shared pool
/// at the class <c>normal</c>, team B's does not overflow. Alice is in team A (granted <c>high</c>), Bob in team B,
/// Carol in no group.
/// </summary>
public sealed class DedicatedPoolTests : IAsyncLifetime
{
    private const string Deployment = "gpt-4o";
    private const string PoolA = "gpt-4o-team-a";
    private const string PoolB = "gpt-4o-team-b";
    private const string AliceKey = "key-alice";
    private const string BobKey = "key-bob";
    private const string CarolKey = "key-carol";
    private const string ReaderKey = "key-reader";

    private SimulatorServer _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        var options = new SimulatorOptions { ApiKeys = [TestBackends.BackendKey] };
        foreach (var d in new[] { "dep-a", "dep-b", "dep-shared" })
            options.Deployments[d] = new SimulatedDeploymentOptions { TokensPerMinute = 10_000_000 };
        _backend = await SimulatorServer.StartAsync(options);
        _gateway = await TestGateway.StartAsync(Config());
    }

    private Dictionary<string, string?> Config()
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:alice:KeyHashes:0"] = KeyHash.Format(AliceKey),
            ["Tokengate:Consumers:alice:Group"] = "team-a",
            ["Tokengate:Consumers:bob:KeyHashes:0"] = KeyHash.Format(BobKey),
            ["Tokengate:Consumers:bob:Group"] = "team-b",
            ["Tokengate:Consumers:carol:KeyHashes:0"] = KeyHash.Format(CarolKey),
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format(ReaderKey),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Priority:Groups:team-a"] = "high",
            [$"Tokengate:Pools:{Deployment}:Aliases:0"] = "chat",
            [$"Tokengate:Pools:{PoolA}:DedicatedTo:Deployment"] = Deployment,
            [$"Tokengate:Pools:{PoolA}:DedicatedTo:Groups:0"] = "team-a",
            [$"Tokengate:Pools:{PoolA}:DedicatedTo:Overflow"] = "true",
            [$"Tokengate:Pools:{PoolA}:DedicatedTo:OverflowPriority"] = "normal",
            // Bound through the shared pool's alias: the same deployment.
            [$"Tokengate:Pools:{PoolB}:DedicatedTo:Deployment"] = "chat",
            [$"Tokengate:Pools:{PoolB}:DedicatedTo:Groups:0"] = "team-b",
        };
        foreach (var (k, v) in Backend(Deployment, "shared", "dep-shared").Concat(Backend(PoolA, "a", "dep-a")).Concat(Backend(PoolB, "b", "dep-b")))
            config[k] = v;
        return config;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    private IEnumerable<KeyValuePair<string, string?>> Backend(string pool, string name, string deployment)
    {
        var p = $"Tokengate:Pools:{pool}:Backends:0";
        yield return new($"{p}:Name", name);
        yield return new($"{p}:Endpoint", _backend.Endpoint.ToString());
        yield return new($"{p}:Deployment", deployment);
        yield return new($"{p}:Model", "gpt-4o");
        yield return new($"{p}:ApiKey", $"env:{TestBackends.KeyVariable}");
    }

    private async Task<HttpResponseMessage> ChatAsync(string deployment, string key, string? priority = null)
    {
        var request = GatewayRequests.Chat(deployment, key);
        if (priority is not null) request.Headers.Add("x-tokengate-priority", priority);
        return await _gateway.Client.SendAsync(request);
    }

    private long Received(string deployment) => _backend.Control.GetStats(deployment).RequestsReceived;

    [Fact]
    public async Task Chat_OneDeploymentName_EachGroupsOwnPoolAndTheSharedPoolForOthers()
    {
        foreach (var key in new[] { AliceKey, BobKey, CarolKey })
        {
            using var response = await ChatAsync(Deployment, key);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal((1, 1, 1), (Received("dep-a"), Received("dep-b"), Received("dep-shared")));
        var rows = await LedgerAsync(3);
        Assert.Equal(
        [
            new LedgerRow("alice", Deployment, PoolA, "a", "high", 200),
            new LedgerRow("bob", Deployment, PoolB, "b", "normal", 200),
            new LedgerRow("carol", Deployment, Deployment, "shared", "normal", 200),
        ], rows);

        // Usage by deployment sums every group's use of the name; by pool shows where it ran.
        Assert.Equal([(Deployment, 3L)], await UsageAsync("deployment"));
        Assert.Equal([(Deployment, 1L), (PoolA, 1L), (PoolB, 1L)], await UsageAsync("pool"));
    }

    private async Task<List<(string? Key, long Requests)>> UsageAsync(string by)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/usage?by={by}");
        request.Headers.Add("api-key", ReaderKey);
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("data").EnumerateArray().Select(r => (r.GetProperty("key").GetString(), r.GetProperty("requests").GetInt64()))];
    }

    [Fact]
    public async Task Chat_DedicatedPoolByItsOwnName_404ForOthers_ServedForItsGroup()
    {
        using (var bob = await ChatAsync(PoolA, BobKey))
            await AzureErrorAssert.IsErrorAsync(bob, HttpStatusCode.NotFound, "DeploymentNotFound");
        using (var carol = await ChatAsync(PoolA, CarolKey))
            await AzureErrorAssert.IsErrorAsync(carol, HttpStatusCode.NotFound, "DeploymentNotFound");
        Assert.Equal(0, Received("dep-a"));

        using var alice = await ChatAsync(PoolA, AliceKey);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal(1, Received("dep-a"));
        var row = Assert.Single(await LedgerAsync(1));
        Assert.Equal((Deployment, PoolA), (row.Deployment, row.Pool));
    }

    [Fact]
    public async Task Chat_DedicatedPoolThrottledWithOverflow_SharedPoolServesAtTheOverflowClassNeverRaised()
    {
        _backend.Control.ThrottleFor("dep-a", TimeSpan.FromMinutes(1), retryAfter: TimeSpan.FromSeconds(30));
        var overflows = new List<(string? From, string? To)>();
        var meter = _gateway.Services.GetRequiredService<GatewayMetrics>().Meter;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter && instrument.Name == "tokengate.pool.overflows") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? from = null, to = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "tokengate.pool.from") from = tag.Value as string;
                if (tag.Key == "tokengate.pool.to") to = tag.Value as string;
            }
            lock (overflows) overflows.Add((from, to));
        });
        listener.Start();

        using (var first = await ChatAsync(Deployment, AliceKey))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // Pool A's backend now rests: the next request goes straight on to the shared pool, and a class the request
        // lowered itself to below the overflow class stays.
        using (var second = await ChatAsync(Deployment, AliceKey, priority: "low"))
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        Assert.Equal(1, _backend.Control.GetStats("dep-a").Throttled);
        Assert.Equal(2, Received("dep-shared"));
        lock (overflows) Assert.Equal([(PoolA, Deployment), (PoolA, Deployment)], overflows);
        var rows = await LedgerAsync(2);
        Assert.Equal(
        [
            new LedgerRow("alice", Deployment, Deployment, "shared", "normal", 200),
            new LedgerRow("alice", Deployment, Deployment, "shared", "low", 200),
        ], rows);
    }

    [Fact]
    public async Task Chat_DedicatedPoolThrottledWithoutOverflow_429WithRetryAfterAndTheSharedPoolUntouched()
    {
        _backend.Control.ThrottleFor("dep-b", TimeSpan.FromMinutes(1), retryAfter: TimeSpan.FromSeconds(30));

        using var response = await ChatAsync(Deployment, BobKey);

        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "429");
        Assert.InRange(int.Parse(response.Headers.GetValues("retry-after").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 30);
        Assert.True(response.Headers.Contains("retry-after-ms"));
        Assert.Equal(0, Received("dep-shared"));
        var row = Assert.Single(await LedgerAsync(1));
        Assert.Equal(new LedgerRow("bob", Deployment, PoolB, "b", "normal", 429), row);
    }

    [Fact]
    public async Task Chat_OverflowWithOneAttempt_TheAttemptBudgetSpansBothPools()
    {
        var config = Config();
        config["Tokengate:Forwarding:MaxAttempts"] = "1";
        await using var gateway = await TestGateway.StartAsync(config);
        _backend.Control.ThrottleFor("dep-a", TimeSpan.FromMinutes(1), retryAfter: TimeSpan.FromSeconds(30));

        // The one attempt went to pool A and met its 429: none is left for the shared pool.
        using (var first = await gateway.Client.SendAsync(GatewayRequests.Chat(Deployment, AliceKey)))
            await AzureErrorAssert.IsErrorAsync(first, HttpStatusCode.TooManyRequests, "429");
        Assert.Equal(0, Received("dep-shared"));

        // Pool A now rests, so the next request spends its attempt in the shared pool.
        using (var second = await gateway.Client.SendAsync(GatewayRequests.Chat(Deployment, AliceKey)))
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((1L, 1L), (_backend.Control.GetStats("dep-a").Throttled, Received("dep-shared")));
        var rows = await LedgerAsync(2, gateway);
        Assert.Equal(
        [
            new LedgerRow("alice", Deployment, PoolA, "a", "high", 429),
            new LedgerRow("alice", Deployment, Deployment, "shared", "normal", 200),
        ], rows);
    }

    [Fact]
    public async Task AdminPools_DedicatedPools_ShowTheirBinding()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/pools");
        request.Headers.Add("api-key", ReaderKey);
        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var pools = doc.RootElement.GetProperty("pools").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("dedicatedTo"));
        Assert.Equal(JsonValueKind.Null, pools[Deployment].ValueKind);
        var a = pools[PoolA];
        Assert.Equal(Deployment, a.GetProperty("deployment").GetString());
        Assert.Equal(["team-a"], a.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.True(a.GetProperty("overflow").GetBoolean());
        Assert.Equal("normal", a.GetProperty("overflowPriority").GetString());
        var b = pools[PoolB];
        Assert.Equal(Deployment, b.GetProperty("deployment").GetString());
        Assert.False(b.GetProperty("overflow").GetBoolean());
        Assert.Equal(JsonValueKind.Null, b.GetProperty("overflowPriority").ValueKind);
    }

    private sealed record LedgerRow(string Consumer, string Deployment, string? Pool, string? Backend, string? Priority, int Status);

    /// <summary>Waits (polling, with a deadline) until the ledger holds <paramref name="count"/> rows.</summary>
    private async Task<List<LedgerRow>> LedgerAsync(int count, TestGateway? gateway = null)
    {
        gateway ??= _gateway;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(gateway.Data.FullName, "tokengate.db")};Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT consumer, deployment, pool, backend, priority, status FROM usage_ledger ORDER BY id";
            var rows = new List<LedgerRow>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add(new LedgerRow(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5)));
                }
            }
            if (rows.Count >= count) return rows;
            Assert.True(DateTime.UtcNow < deadline, $"{rows.Count} ledger rows of {count}");
            await Task.Delay(25);
        }
    }
}
