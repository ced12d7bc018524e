using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Audit;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Authorization;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Admin;

/// <summary>
/// One gateway on loopback for the consumer-target matrix: a configured admin (<c>root</c>) that sets up each cell,
/// a trusted local issuer for JWT callers, and a fake clock shared by both, so elevations expire by advancing it.
/// Every cell makes its own callers and targets (unique names), so cells do not depend on each other or their order.
/// </summary>
public sealed class ConsumerTargetFixture : IAsyncLifetime
{
    public const string RootKey = "key-root";

    private SimulatorServer _backend = null!;
    private int _cells;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    internal TestIssuer Issuer { get; private set; } = null!;

    internal TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        Issuer = await TestIssuer.StartAsync(Time);
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:root:KeyHashes:0"] = KeyHash.Format(RootKey),
            ["Tokengate:Consumers:root:Roles:0"] = Roles.Admin,
            // OIDC needs scopes configured; the matrix is about the admin API, not about model scopes.
            ["Tokengate:Access:Default:Deployments:0"] = "*",
            ["Tokengate:Access:Default:Operations:0"] = "chat",
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        foreach (var (k, v) in Issuer.GatewayConfiguration()) config[k] = v;
        Gateway = await TestGateway.StartAsync(config, Time);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Issuer.DisposeAsync();
        await _backend.DisposeAsync();
    }

    /// <summary>A number no other cell of this run has.</summary>
    public int NextCell() => Interlocked.Increment(ref _cells);

    /// <summary>An admin API request; <paramref name="credential"/> is <c>key:VALUE</c> or <c>jwt:TOKEN</c>.</summary>
    public async Task<HttpResponseMessage> SendAsync(string credential, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        var (type, value) = (credential[..3], credential[4..]);
        if (type == "jwt") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value);
        else request.Headers.Add("api-key", value);
        var response = await Gateway.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>As root: creates a stored consumer with one role and one key; returns the key's id and value.</summary>
    public async Task<(string Id, string Key)> ConsumerWithKeyAsync(string name, string role)
    {
        using (var created = await SendAsync("key:" + RootKey, HttpMethod.Post, "admin/consumers", new { name, roles = new[] { role } }))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var key = await SendAsync("key:" + RootKey, HttpMethod.Post, $"admin/consumers/{name}/keys");
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        using var body = JsonDocument.Parse(await key.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetString()!, body.RootElement.GetProperty("key").GetString()!);
    }

    /// <summary>The caller asks for <paramref name="role"/> for one minute and root approves it at once.</summary>
    public async Task ElevateAsync(string credential, string role)
    {
        string id;
        using (var requested = await SendAsync(credential, HttpMethod.Post, "admin/elevations", new { role, duration = "00:01:00", reason = "matrix" }))
        {
            Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
            using var body = JsonDocument.Parse(await requested.Content.ReadAsStringAsync());
            id = body.RootElement.GetProperty("id").GetString()!;
        }
        using var approved = await SendAsync("key:" + RootKey, HttpMethod.Post, $"admin/elevations/{id}/approve");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
    }

    /// <summary>
    /// Waits for a failure record of <paramref name="actor"/>: failures are audited aggregated, when their interval
    /// (<c>Tokengate:Audit:FailureInterval</c>, one minute) ends, so the clock is moved past it first.
    /// </summary>
    internal async Task AuditedFailureAsync(string actor, Func<AuditRecord, bool> match)
    {
        Time.Advance(TimeSpan.FromMinutes(1));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await AuditOfAsync(actor)).Any(match))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no matching failure record for {actor} within 30 s of the interval's end");
            await Task.Delay(10);
        }
    }

    internal Task<IReadOnlyList<AuditRecord>> AuditOfAsync(string actor) =>
        Gateway.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Actor: actor), default);

    internal ConsumerStore Store => Gateway.Services.GetRequiredService<ConsumerStore>();
}
