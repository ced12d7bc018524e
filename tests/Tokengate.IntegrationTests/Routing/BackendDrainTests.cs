using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Routing;

/// <summary>
/// Draining a backend through the admin API: a pool of two backends (<c>one</c> and <c>two</c>, one simulator each,
/// so each simulator's count shows which backend served).
/// </summary>
public sealed class BackendDrainTests : IAsyncLifetime
{
    private const string Deployment = "chat";
    private const string AppKey = "key-drain-app";
    private const string OperatorKey = "key-drain-operator";
    private const string ReaderKey = "key-drain-reader";

    private SimulatorServer _one = null!;
    private SimulatorServer _two = null!;
    private DirectoryInfo _data = null!;

    public async Task InitializeAsync()
    {
        _one = await TestBackends.StartAsync();
        _two = await TestBackends.StartAsync();
        _data = Directory.CreateTempSubdirectory("tokengate-drain-");
    }

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    private Dictionary<string, string?> Config()
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = _data.FullName,
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(AppKey),
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(OperatorKey),
            ["Tokengate:Consumers:ops:Roles:0"] = "operator",
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format(ReaderKey),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
        };
        foreach (var (k, v) in TestBackends.Backend(Deployment, 0, "one", _one).Concat(TestBackends.Backend(Deployment, 1, "two", _two))) config[k] = v;
        return config;
    }

    private Task<GatewayServer> StartAsync() =>
        GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(Config()));

    private static async Task<HttpResponseMessage> AdminAsync(GatewayServer gateway, HttpMethod method, string path, string key)
    {
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("api-key", key);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private static async Task ChatAsync(GatewayServer gateway, int count)
    {
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };
        for (var i = 0; i < count; i++)
        {
            using var response = await client.SendAsync(GatewayRequests.Chat(Deployment, AppKey));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static async Task<JsonElement> PoolBackendAsync(GatewayServer gateway, string backend)
    {
        var pools = await JsonAsync(await AdminAsync(gateway, HttpMethod.Get, "admin/pools", ReaderKey));
        return pools.GetProperty("pools").EnumerateArray().SelectMany(p => p.GetProperty("backends").EnumerateArray())
            .Single(b => b.GetProperty("name").GetString() == backend);
    }

    private long Served(SimulatorServer server) => server.Control.GetStats("gpt-4o").RequestsReceived;

    [Fact]
    public async Task Drain_OneOfTwo_EveryRequestOnTheOther_ResumeBringsTrafficBack()
    {
        await using var gateway = await StartAsync();

        var drained = await JsonAsync(await AdminAsync(gateway, HttpMethod.Post, "admin/backends/one/drain", OperatorKey));
        Assert.Equal(("one", true, "ops"), (drained.GetProperty("backend").GetString(), drained.GetProperty("drained").GetBoolean(), drained.GetProperty("drainedBy").GetString()));
        var status = await PoolBackendAsync(gateway, "one");
        Assert.True(status.GetProperty("drained").GetBoolean());
        Assert.False(status.GetProperty("available").GetBoolean());
        Assert.Equal("ops", status.GetProperty("drainedBy").GetString());
        Assert.Equal(JsonValueKind.String, status.GetProperty("drainedAt").ValueKind);

        await ChatAsync(gateway, 20);
        Assert.Equal((0L, 20L), (Served(_one), Served(_two)));

        var resumed = await JsonAsync(await AdminAsync(gateway, HttpMethod.Post, "admin/backends/one/resume", OperatorKey));
        Assert.False(resumed.GetProperty("drained").GetBoolean());
        Assert.False((await PoolBackendAsync(gateway, "one")).GetProperty("drained").GetBoolean());
        // Equal weights: 40 requests all landing on "two" would happen with probability 2^-40.
        await ChatAsync(gateway, 40);
        Assert.True(Served(_one) > 0, "no request reached the resumed backend");

        using var audit = await AdminAsync(gateway, HttpMethod.Get, "admin/audit?action=backend.", OperatorKey);
        var actions = (await JsonAsync(audit)).GetProperty("data").EnumerateArray()
            .Select(r => (r.GetProperty("actor").GetString(), r.GetProperty("action").GetString(), r.GetProperty("target").GetString())).ToList();
        Assert.Contains(("ops", "backend.drained", "one"), actions);
        Assert.Contains(("ops", "backend.resumed", "one"), actions);
    }

    [Fact]
    public async Task Drain_ReaderOrUnknownBackend_403Or404InTheAzureShape()
    {
        await using var gateway = await StartAsync();

        using (var reader = await AdminAsync(gateway, HttpMethod.Post, "admin/backends/one/drain", ReaderKey))
            Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        using (var unknown = await AdminAsync(gateway, HttpMethod.Post, "admin/backends/nope/drain", OperatorKey))
            await AzureErrorAssert.IsErrorAsync(unknown, HttpStatusCode.NotFound, "NotFound");
        using (var unknownResume = await AdminAsync(gateway, HttpMethod.Post, "admin/backends/nope/resume", OperatorKey))
            await AzureErrorAssert.IsErrorAsync(unknownResume, HttpStatusCode.NotFound, "NotFound");
        Assert.False((await PoolBackendAsync(gateway, "one")).GetProperty("drained").GetBoolean());
    }

    [Fact]
    public async Task Drain_RestartOnTheSameDataFolder_StillDrained()
    {
        await using (var first = await StartAsync())
            await JsonAsync(await AdminAsync(first, HttpMethod.Post, "admin/backends/two/drain", OperatorKey));

        await using var second = await StartAsync();
        var status = await PoolBackendAsync(second, "two");
        Assert.True(status.GetProperty("drained").GetBoolean());
        Assert.Equal("ops", status.GetProperty("drainedBy").GetString());
        await ChatAsync(second, 10);
        Assert.Equal((10L, 0L), (Served(_one), Served(_two)));
    }

    [Fact]
    public async Task Drain_EveryBackend_503WithRetryAfter()
    {
        await using var gateway = await StartAsync();
        await JsonAsync(await AdminAsync(gateway, HttpMethod.Post, "admin/backends/one/drain", OperatorKey));
        await JsonAsync(await AdminAsync(gateway, HttpMethod.Post, "admin/backends/two/drain", OperatorKey));

        using var client = new HttpClient { BaseAddress = gateway.Endpoint };
        using var response = await client.SendAsync(GatewayRequests.Chat(Deployment, AppKey));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("retry-after"));
        Assert.Equal((0L, 0L), (Served(_one), Served(_two)));
    }
}
