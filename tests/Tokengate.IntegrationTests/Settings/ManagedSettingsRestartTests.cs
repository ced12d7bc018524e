using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Settings;

/// <summary>Managed settings live in the database: a restarted gateway on the same data folder has them before it serves; a file still wins.</summary>
public sealed class ManagedSettingsRestartTests : IAsyncLifetime
{
    private const string OperatorKey = "key-ops";
    private DirectoryInfo _data = null!;
    private string _file = null!;

    public Task InitializeAsync()
    {
        _data = Directory.CreateTempSubdirectory("tokengate-settings-");
        _file = Path.Combine(_data.FullName, "policy.json");
        return File.WriteAllTextAsync(_file, """{"Tokengate":{"Limits":{"Consumers":{"filer":{"RequestsPerMinute":100}}}}}""");
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
        if (Directory.Exists(_data.FullName + "-keys")) Directory.Delete(_data.FullName + "-keys", recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Restart_SameDataFolder_LimitAndBudgetStillInForce_FileOwnedPartNamesTheFile()
    {
        await using var backend = await TestBackends.StartAsync();
        string key;
        await using (var first = await StartAsync(backend))
        {
            using var client = new HttpClient { BaseAddress = first.Endpoint };
            key = await ManagedSettingsTests.CreateConsumerAsync(client, "svc-restart");
            using (var put = await SendAsync(client, HttpMethod.Put, "admin/consumers/svc-restart/policy", new { limits = new { requestsPerMinute = 1 } }))
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            using (var budget = await SendAsync(client, HttpMethod.Put, "admin/budgets/group/night-shift/monthly", new { amount = 25, unit = "usd" }))
                Assert.Equal(HttpStatusCode.OK, budget.StatusCode);
        }

        await using var second = await StartAsync(backend);
        using var again = new HttpClient { BaseAddress = second.Endpoint };
        var detail = await ReadAsync(await SendAsync(again, HttpMethod.Get, "admin/consumers/svc-restart", null));
        Assert.Equal(1, detail.GetProperty("policy").GetProperty("limits").GetProperty("requestsPerMinute").GetInt32());

        using (var ok = await again.SendAsync(GatewayRequests.Chat("chat", key))) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var refused = await again.SendAsync(GatewayRequests.Chat("chat", key))) Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        var budgets = await ReadAsync(await SendAsync(again, HttpMethod.Get, "admin/budgets", null));
        var night = budgets.GetProperty("data").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "night-shift");
        Assert.Equal(25m, night.GetProperty("amount").GetDecimal());
        Assert.Equal("group", night.GetProperty("scope").GetString());

        // This gateway has no scopes at all: a first scope that would leave every other consumer with none is refused.
        using (var first = await SendAsync(again, HttpMethod.Put, "admin/consumers/svc-restart/policy", new { scopes = new { deployments = new[] { "chat" }, operations = new[] { "*" } } }))
        {
            var refusal = await AzureErrorAssert.IsErrorAsync(first, HttpStatusCode.BadRequest, "BadRequest");
            Assert.Contains("Access:Default", refusal.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var groups = await ReadAsync(await SendAsync(again, HttpMethod.Get, "admin/groups", null));
        Assert.Contains(groups.GetProperty("data").EnumerateArray(), g => g.GetProperty("name").GetString() == "night-shift");

        // A part the file defines is the file's: shown with its name, refused to writers with it.
        using var consumerConflict = await SendAsync(again, HttpMethod.Put, "admin/consumers/filer/policy", new { limits = new { requestsPerMinute = 1 } });
        var error = await AzureErrorAssert.IsErrorAsync(consumerConflict, HttpStatusCode.Conflict, "ConfigurationOwned");
        Assert.Contains("policy.json", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var filer = await ReadAsync(await SendAsync(again, HttpMethod.Get, "admin/consumers/filer", null));
        Assert.Equal("policy.json", filer.GetProperty("sources").GetProperty("limits").GetString());

        // Where each entry of the configuration comes from: the file, the host's in-memory settings, the managed layer.
        var sources = (await ReadAsync(await SendAsync(again, HttpMethod.Get, "admin/config/sources", null))).GetProperty("data").EnumerateArray()
            .ToDictionary(e => e.GetProperty("section").GetString() + ":" + e.GetProperty("name").GetString(), e => e.GetProperty("source").GetString());
        Assert.Equal("policy.json", sources["Limits:Consumers"]);
        Assert.Equal("in-memory configuration", sources["Pools:chat"]);
        Assert.Equal("managed", sources["Budgets:Groups"]);
    }

    private async Task<GatewayServer> StartAsync(Tokengate.Simulator.SimulatorServer backend)
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = _data.FullName,
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(OperatorKey),
            ["Tokengate:Consumers:ops:Roles:0"] = "operator",
            ["Tokengate:Consumers:filer:KeyHashes:0"] = KeyHash.Format("key-filer"),
        };
        foreach (var (k, v) in TestBackends.Backend("chat", 0, "b1", backend)) config[k] = v;
        return await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddJsonFile(_file, optional: false, reloadOnChange: false);
            b.Configuration.AddInMemoryCollection(config);
        });
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        request.Headers.Add("api-key", OperatorKey);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
