using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Audit;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Elevation;

/// <summary>Just-in-time elevation through the admin API, on a fake clock.</summary>
public sealed class ElevationApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private SimulatorServer _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:dev:KeyHashes:0"] = KeyHash.Format("key-dev"),
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format("key-reader"),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Consumers:boss:KeyHashes:0"] = KeyHash.Format("key-admin"),
            ["Tokengate:Consumers:boss:Roles:0"] = "admin",
            ["Tokengate:Elevation:MaxDuration"] = "02:00:00",
            ["Tokengate:Elevation:SelfApproveRoles:0"] = "operator",
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        _gateway = await TestGateway.StartAsync(config, _time);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Admin_ApprovedByAdmin_HeldForWindowThenExpires()
    {
        var id = await RequestAsync("key-dev", "admin", "01:00:00", "incident 42");
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("key-dev", HttpMethod.Get, "admin/audit"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("key-dev", HttpMethod.Post, $"admin/elevations/{id}/approve"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("key-reader", HttpMethod.Post, $"admin/elevations/{id}/approve"));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync("key-admin", HttpMethod.Post, $"admin/elevations/{id}/approve"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("key-dev", HttpMethod.Get, "admin/audit"));
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync("key-admin", HttpMethod.Post, $"admin/elevations/{id}/approve"));

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("key-dev", HttpMethod.Get, "admin/pools"));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("key-dev", HttpMethod.Get, "admin/audit"));
        Assert.Equal("expired", await StateAsync("key-admin", id));

        var actions = (await AuditAsync()).Where(r => r.Target?.Contains(id, StringComparison.Ordinal) == true).Select(r => (r.Action, r.Outcome)).Reverse().ToList();
        Assert.Equal(
            [("elevation.requested", "success"), ("elevation.approved", "denied"), ("elevation.approved", "denied"), ("elevation.approved", "success"), ("elevation.expired", "success")],
            actions);
    }

    [Fact]
    public async Task Operator_SelfApprovedAndRevoked_EndsEarly()
    {
        var id = await RequestAsync("key-dev", "operator", "01:00:00", "rotate keys");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("key-dev", HttpMethod.Post, $"admin/elevations/{id}/approve"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("key-dev", HttpMethod.Get, "admin/audit"));
        Assert.Equal("active", await StateAsync("key-dev", id));

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("key-reader", HttpMethod.Post, $"admin/elevations/{id}/revoke"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("key-dev", HttpMethod.Post, $"admin/elevations/{id}/revoke"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("key-dev", HttpMethod.Get, "admin/audit"));
        Assert.Equal("revoked", await StateAsync("key-admin", id));
        Assert.Equal(HttpStatusCode.Conflict, await StatusAsync("key-admin", HttpMethod.Post, $"admin/elevations/{id}/revoke"));
    }

    [Fact]
    public async Task List_NonAdmin_SeesOnlyOwn()
    {
        await RequestAsync("key-dev", "operator", null, "mine");
        await RequestAsync("key-reader", "operator", null, "theirs");
        Assert.Equal(["mine"], await ReasonsAsync("key-dev"));
        Assert.Equal(2, (await ReasonsAsync("key-admin")).Count);
    }

    [Theory]
    [InlineData("key-dev", """{"role":"admin","duration":"01:00:00"}""")]
    [InlineData("key-dev", """{"role":"admin","duration":"01:00:00","reason":"  "}""")]
    [InlineData("key-dev", """{"role":"superuser","reason":"why not"}""")]
    [InlineData("key-dev", """{"role":"reader","reason":"why not"}""")]
    [InlineData("key-admin", """{"role":"admin","duration":"02:00:01","reason":"long"}""")]
    [InlineData("key-dev", """{"role":"operator","duration":"-00:10:00","reason":"negative"}""")]
    [InlineData("key-dev", """{"role":"operator","duration":"soon","reason":"bad format"}""")]
    [InlineData("key-dev", """not json""")]
    public async Task Request_BadInput_400(string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/elevations") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("api-key", key);
        using var response = await _gateway.Client.SendAsync(request);
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, (await ErrorCodeAsync(response))!);
    }

    [Fact]
    public async Task Endpoints_Unauthenticated_401_UnknownId_404()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(null, HttpMethod.Get, "admin/elevations"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("wrong", HttpMethod.Post, "admin/elevations/x/approve"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("key-admin", HttpMethod.Post, "admin/elevations/nope/approve"));
    }

    private async Task<string> RequestAsync(string key, string role, string? duration, string reason)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/elevations") { Content = JsonContent.Create(new { role, duration, reason }) };
        request.Headers.Add("api-key", key);
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("pending", body.RootElement.GetProperty("state").GetString());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private async Task<HttpStatusCode> StatusAsync(string? key, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Add("api-key", key);
        using var response = await _gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<List<JsonElement>> ListAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/elevations");
        request.Headers.Add("api-key", key);
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("data").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private async Task<string?> StateAsync(string key, string id) =>
        (await ListAsync(key)).Single(e => e.GetProperty("id").GetString() == id).GetProperty("state").GetString();

    private async Task<List<string?>> ReasonsAsync(string key) => (await ListAsync(key)).Select(e => e.GetProperty("reason").GetString()).ToList();

    private Task<IReadOnlyList<AuditRecord>> AuditAsync() =>
        _gateway.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(ActionPrefix: "elevation."), default);

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetProperty("code").GetString();
    }
}
