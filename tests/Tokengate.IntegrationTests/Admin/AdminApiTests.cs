using System.Net;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Admin;

/// <summary>The admin API authenticates with gateway keys and authorizes by role.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private SimulatorServer _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format("key-app"),
            ["Tokengate:Consumers:app:Group"] = "checkout",
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format("key-reader"),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Consumers:boss:KeyHashes:0"] = KeyHash.Format("key-admin"),
            ["Tokengate:Consumers:boss:Roles:0"] = "admin",
        };
        foreach (var (k, v) in TestBackends.Backend("chat", 0, "b1", _backend)) config[k] = v;
        _gateway = await TestGateway.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("key-reader", HttpStatusCode.OK)]
    [InlineData("key-admin", HttpStatusCode.OK)]
    [InlineData("key-app", HttpStatusCode.Forbidden)]
    [InlineData("wrong", HttpStatusCode.Unauthorized)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Pools_ByRole_AllowedOrDenied(string? key, HttpStatusCode expected)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "admin/pools");
        if (key is not null) request.Headers.Add("api-key", key);
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (expected == HttpStatusCode.OK)
            Assert.Equal("b1", body.RootElement.GetProperty("pools")[0].GetProperty("backends")[0].GetProperty("name").GetString());
        else
            Assert.True(body.RootElement.GetProperty("error").TryGetProperty("code", out _));
    }

    [Fact]
    public async Task WhoAmI_WithBearerKey_ShowsNameAndRoles()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "admin/whoami");
        request.Headers.Authorization = new("Bearer", "key-admin");
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("boss", body.RootElement.GetProperty("name").GetString());
        Assert.Equal(["admin"], body.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }
}
