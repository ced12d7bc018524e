using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Proxy;

/// <summary>
/// The forwarding loop against the three simulated backends of <c>tokengate up</c>, on a fake clock shared by
/// gateway and simulators so Retry-After windows are exact.
/// </summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private const string Chat = UpEnvironment.ChatDeployment;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private TestUp _up = null!;

    private SimulatorControl Ptu => _up.Backend("ptu-eastus").Server.Control;
    private SimulatorControl Sweden => _up.Backend("paygo-swedencentral").Server.Control;
    private SimulatorControl WestUs => _up.Backend("paygo-westus3").Server.Control;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync(_time);

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task ProvisionedThrottled_EveryRequestSucceedsOnStandard_AndProvisionedServesAgainAfterRetryAfter()
    {
        // 150% of 15 PTU drains to 100% in 30 s: the deployment answers 429 with retry-after-ms 30000.
        Ptu.SetUtilization(Chat, 150);

        var statuses = await SendConcurrentlyAsync(count: 40, concurrency: 8);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        var ptu = Ptu.GetStats(Chat);
        Assert.Equal(0, ptu.Succeeded);
        Assert.InRange(ptu.Throttled, 1, 8); // only requests already in flight when the first 429 came back
        Assert.Equal(40, Sweden.GetStats(Chat).Succeeded + WestUs.GetStats(Chat).Succeeded);

        // Just before its Retry-After the gateway still leaves it alone ...
        _time.Advance(TimeSpan.FromSeconds(29));
        await SendConcurrentlyAsync(count: 5, concurrency: 1);
        Assert.Equal(ptu.RequestsReceived, Ptu.GetStats(Chat).RequestsReceived);

        // ... and once it has passed, the provisioned deployment gets traffic again.
        _time.Advance(TimeSpan.FromSeconds(1));
        var after = await SendConcurrentlyAsync(count: 5, concurrency: 1);
        Assert.All(after, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(Ptu.GetStats(Chat).Succeeded >= 1);
    }

    [Fact]
    public async Task AllBackendsThrottled_ConsumerGets429WithTheEarliestRecovery()
    {
        Ptu.FailNext(Chat, 1, 429, retryAfter: TimeSpan.FromSeconds(9));
        Sweden.FailNext(Chat, 1, 429, retryAfter: TimeSpan.FromSeconds(3));
        WestUs.FailNext(Chat, 1, 429, retryAfter: TimeSpan.FromSeconds(7));

        using var first = await _up.Client.SendAsync(GatewayRequests.Chat(Chat, _up.Key));
        await AzureErrorAssert.IsErrorAsync(first, HttpStatusCode.TooManyRequests, "429");
        Assert.Equal("3", Header(first, "retry-after"));
        Assert.Equal("3000", Header(first, "retry-after-ms"));

        // While every backend rests, the gateway answers at once without touching them.
        var received = TotalReceived();
        _time.Advance(TimeSpan.FromSeconds(1));
        using var second = await _up.Client.SendAsync(GatewayRequests.Chat(Chat, _up.Key));
        await AzureErrorAssert.IsErrorAsync(second, HttpStatusCode.TooManyRequests, "429");
        Assert.Equal("2", Header(second, "retry-after"));
        Assert.Equal("2000", Header(second, "retry-after-ms"));
        Assert.Equal(received, TotalReceived());

        // When the earliest one is back, requests succeed again.
        _time.Advance(TimeSpan.FromSeconds(2));
        using var third = await _up.Client.SendAsync(GatewayRequests.Chat(Chat, _up.Key));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(1, Sweden.GetStats(Chat).Succeeded);
    }

    [Fact]
    public async Task ServerErrorBeforeFirstByte_IsRetriedOnAnotherBackend()
    {
        Ptu.FailNext(Chat, 1, 500);
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat(Chat, _up.Key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Ptu.GetStats(Chat).Failed);
        Assert.Equal(1, Sweden.GetStats(Chat).Succeeded + WestUs.GetStats(Chat).Succeeded);
    }

    [Fact]
    public async Task ServiceUnavailableOnStream_BeforeFirstByte_IsRetriedOnAnotherBackend()
    {
        Ptu.FailNext(Chat, 1, 503);
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat(Chat, _up.Key, stream: true), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionReset_IsRetriedOnAnotherBackend()
    {
        Ptu.Update(Chat, o => o.Faults.ResetNextCount = 1);
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat(Chat, _up.Key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Sweden.GetStats(Chat).Succeeded + WestUs.GetStats(Chat).Succeeded);
    }

    [Fact]
    public async Task MidStreamCut_ReachesTheConsumerAsAnSseErrorEvent()
    {
        Ptu.Update(Chat, o =>
        {
            o.Faults.MidStreamCutNextCount = 1;
            o.Faults.MidStreamCutAfterChunks = 2;
        });
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat(Chat, _up.Key, stream: true, body:
            """{"messages":[{"role":"user","content":"Tell me a long story"}],"max_tokens":50,"stream":true}"""), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.DoesNotContain("data: [DONE]", events);
        Assert.True(events.Length >= 2, "the events before the cut are relayed");
        var last = events[^1];
        Assert.StartsWith("data: ", last, StringComparison.Ordinal);
        using var error = JsonDocument.Parse(last["data: ".Length..]);
        Assert.Equal("stream_interrupted", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        // Every event before it is complete JSON (no half event was relayed).
        foreach (var e in events[..^1]) using (JsonDocument.Parse(e["data: ".Length..])) { }
    }

    [Fact]
    public async Task ProvisionedAboveSpilloverThreshold_IsSkippedUntilAFreshReadingIsBelowIt()
    {
        Ptu.SetUtilization(Chat, 95);

        // The first request finds out the utilization; the next ones spill to standard.
        await SendConcurrentlyAsync(count: 6, concurrency: 1);
        Assert.Equal(1, Ptu.GetStats(Chat).RequestsReceived);

        // Once the reading is stale, one request goes back to take a fresh one.
        _time.Advance(TimeSpan.FromSeconds(2));
        Ptu.Update(Chat, o => o.Faults.ForceUtilizationPercent = 10);
        await SendConcurrentlyAsync(count: 4, concurrency: 1);
        Assert.Equal(5, Ptu.GetStats(Chat).RequestsReceived);
    }

    private long TotalReceived() =>
        Ptu.GetStats(Chat).RequestsReceived + Sweden.GetStats(Chat).RequestsReceived + WestUs.GetStats(Chat).RequestsReceived;

    private async Task<List<HttpStatusCode>> SendConcurrentlyAsync(int count, int concurrency)
    {
        var statuses = new List<HttpStatusCode>();
        var gate = new SemaphoreSlim(concurrency);
        var tasks = Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await _up.Client.SendAsync(GatewayRequests.Chat(Chat, _up.Key));
                await response.Content.ReadAsByteArrayAsync();
                lock (statuses) statuses.Add(response.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        return statuses;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
