using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Routing;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Proxy;

/// <summary>
/// One consumer's bad requests must not take capacity from another: the gateway refuses what it can check itself,
/// and a request that fails on two backends is blamed on the request, not the backends. A backend that really fails
/// is still put to rest. Three simulated backends: <c>first</c> (priority 1) ahead of <c>second</c> and <c>third</c>
/// (priority 2), so which backend a request tries first is known.
/// </summary>
public sealed class FailureAttributionTests : IAsyncLifetime
{
    private const string Pool = "chat";
    private const string Deployment = "gpt-4o";
    private const string KeyA = "key-consumer-a";
    private const string KeyB = "key-consumer-b";
    private const string Poison = "this-request-cannot-be-processed";

    private readonly List<SimulatorServer> _backends = [];
    private TestGateway _gateway = null!;

    private SimulatorControl First => _backends[0].Control;

    public async Task InitializeAsync()
    {
        string[] names = ["first", "second", "third"];
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:a:KeyHashes:0"] = KeyHash.Format(KeyA),
            ["Tokengate:Consumers:b:KeyHashes:0"] = KeyHash.Format(KeyB),
        };
        for (var i = 0; i < names.Length; i++)
        {
            var backend = await TestBackends.StartAsync();
            backend.Control.Update(Deployment, o =>
            {
                o.TokensPerMinute = 10_000_000;
                o.Faults.ErrorsOnContent[Poison] = 500;
            });
            _backends.Add(backend);
            foreach (var (k, v) in TestBackends.Backend(Pool, i, names[i], backend, priority: i == 0 ? 1 : 2)) config[k] = v;
            config[$"Tokengate:Pools:{Pool}:Backends:{i}:Model"] = "gpt-4o";
        }
        _gateway = await TestGateway.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        foreach (var backend in _backends) await backend.DisposeAsync();
    }

    [Fact]
    public async Task BadRequestsFromOneConsumer_WhileAnotherSendsGoodOnes_TheOtherSeesNoErrorAndBackendsStayHealthy()
    {
        const int rounds = 25;
        const int good = 100;

        var attacker = Task.Run(async () =>
        {
            for (var i = 0; i < rounds; i++)
            {
                // Refused by the gateway itself: these never reach a backend.
                await ExpectAsync(RawChat(KeyA, [.. "{\"messages\":[{\"role\":\"user\",\"content\":\"a"u8, 0xC3, 0x28, .. "\"}]}"u8]), HttpStatusCode.BadRequest);
                await ExpectAsync(Chat(KeyA, """{"messages":[{"role":"user","content":"hi"}],"max_tokens":1000000}"""), HttpStatusCode.BadRequest);
                await ExpectAsync(Chat(KeyA, """{"messages":[{"role":"user","content":"hi"}],"max_tokens":99999999999999999999}"""), HttpStatusCode.BadRequest);
                await ExpectAsync(Chat(KeyA, """{"messages":[{"role":"user","content":"hi"}],"max_tokens":8,"n":2147483647}"""), HttpStatusCode.BadRequest);
                // Valid for the gateway, but every backend fails it: it is answered after two backends, blamed on nobody.
                await ExpectAsync(Chat(KeyA, $$"""{"messages":[{"role":"user","content":"{{Poison}}"}],"max_tokens":8}"""), HttpStatusCode.InternalServerError);
            }
        });
        var victim = Task.Run(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < good; i++)
            {
                using var response = await _gateway.Client.SendAsync(Chat(KeyB, """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":8}"""));
                statuses.Add(response.StatusCode);
            }
            return statuses;
        });
        await attacker;
        var seen = await victim;

        Assert.All(seen, s => Assert.Equal(HttpStatusCode.OK, s));
        // Every poison request reached exactly two backends; nothing the gateway refused reached any.
        Assert.Equal(good + (2 * rounds), _backends.Sum(b => b.Control.GetStats(Deployment).RequestsReceived));
        var health = _gateway.Services.GetRequiredService<IBackendHealth>();
        foreach (var backend in Backends())
        {
            var h = health.Describe(backend);
            Assert.Null(h.CoolingUntil);
            Assert.Null(h.CircuitOpenUntil);
            Assert.Equal(0, h.Recent.Failures);
        }
    }

    [Fact]
    public async Task ServerErrorOnOneBackendOnly_IsBlamedOnThatBackend_AndTheRequestSucceedsElsewhere()
    {
        First.FailNext(Deployment, 1, 500);

        using var response = await _gateway.Client.SendAsync(Chat(KeyB, """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":8}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var first = _gateway.Services.GetRequiredService<IBackendHealth>().Describe(Backends()[0]);
        Assert.Equal(1, first.Recent.Failures);
        // One server error is a sample for the breaker, not a reason to rest the backend.
        Assert.Null(first.CoolingUntil);
        Assert.Null(first.CircuitOpenUntil);
    }

    [Fact]
    public async Task BackendFailingEveryRequest_IsPutToRestAfterTheMinimumThroughput_AndTrafficMoves()
    {
        First.Update(Deployment, o => o.Faults.ErrorRates[500] = 1.0);
        var minimum = new ForwardingOptions().BreakerMinimumThroughput;

        for (var i = 0; i < minimum * 3; i++)
        {
            using var response = await _gateway.Client.SendAsync(Chat(KeyB, """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":8}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The first backend was tried first until its failure ratio over enough requests opened its circuit; after that
        // it got nothing, and every request went straight to the others.
        Assert.Equal(minimum, First.GetStats(Deployment).RequestsReceived);
        Assert.NotNull(_gateway.Services.GetRequiredService<IBackendHealth>().Describe(Backends()[0]).CircuitOpenUntil);
        Assert.Equal(minimum * 3, _backends.Skip(1).Sum(b => b.Control.GetStats(Deployment).Succeeded));
    }

    [Fact]
    public async Task TwoBackendsFailingEveryRequest_BothPutToRest_AndEveryRequestThenSucceedsOnTheThird()
    {
        // A request that meets both broken backends first is answered with their 500 (it failed on two backends); but
        // they never succeed, and each is blamed whenever the third serves the request, so both circuits open.
        _backends[0].Control.Update(Deployment, o => o.Faults.ErrorRates[500] = 1.0);
        _backends[1].Control.Update(Deployment, o => o.Faults.ErrorRates[500] = 1.0);
        var health = _gateway.Services.GetRequiredService<IBackendHealth>();
        var backends = Backends();

        var sent = 0;
        while (sent < 300 && (health.Describe(backends[0]).CircuitOpenUntil is null || health.Describe(backends[1]).CircuitOpenUntil is null))
        {
            using var response = await _gateway.Client.SendAsync(Chat(KeyB, """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":8}"""));
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.InternalServerError });
            sent++;
        }

        Assert.NotNull(health.Describe(backends[0]).CircuitOpenUntil);
        Assert.NotNull(health.Describe(backends[1]).CircuitOpenUntil);
        var received = _backends.Take(2).Sum(b => b.Control.GetStats(Deployment).RequestsReceived);
        for (var i = 0; i < 20; i++)
        {
            using var response = await _gateway.Client.SendAsync(Chat(KeyB, """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":8}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(received, _backends.Take(2).Sum(b => b.Control.GetStats(Deployment).RequestsReceived));
    }

    [Fact]
    public async Task EveryBackendRefusingConnections_503WithRetryAfter()
    {
        foreach (var backend in _backends) backend.Control.Update(Deployment, o => o.Faults.ConnectionResetRate = 1.0);

        using var first = await _gateway.Client.SendAsync(Chat(KeyB, """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":8}"""));
        var error = await AzureErrorAssert.IsErrorAsync(first, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable");
        Assert.True(long.Parse(first.Headers.GetValues("retry-after").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

        // While every backend rests after failures, the next request is answered 503 at once, without a backend call.
        var received = _backends.Sum(b => b.Control.GetStats(Deployment).RequestsReceived);
        using var second = await _gateway.Client.SendAsync(Chat(KeyB, """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":8}"""));
        await AzureErrorAssert.IsErrorAsync(second, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable");
        Assert.True(second.Headers.Contains("retry-after"));
        Assert.True(second.Headers.Contains("retry-after-ms"));
        Assert.Equal(received, _backends.Sum(b => b.Control.GetStats(Deployment).RequestsReceived));
        Assert.DoesNotContain("rate limit", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    private Backend[] Backends() =>
        _gateway.Services.GetRequiredService<GatewayConfiguration>().Current.Pools.Single(p => p.Name == Pool).Backends.ToArray();

    /// <summary>The status, with an Azure-shaped error body (the service's own 500 has a null <c>code</c>).</summary>
    private async Task ExpectAsync(HttpRequestMessage request, HttpStatusCode status)
    {
        using (request)
        using (var response = await _gateway.Client.SendAsync(request))
        {
            Assert.Equal(status, response.StatusCode);
            using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var error = document.RootElement.GetProperty("error");
            if (status != HttpStatusCode.InternalServerError) Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        }
    }

    private static HttpRequestMessage Chat(string key, string body) =>
        GatewayRequests.Chat(Pool, key, body: body);

    private static HttpRequestMessage RawChat(string key, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"openai/deployments/{Pool}/chat/completions?api-version={GatewayRequests.ApiVersion}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = Encoding.UTF8.WebName };
        request.Headers.Add("api-key", key);
        return request;
    }
}
