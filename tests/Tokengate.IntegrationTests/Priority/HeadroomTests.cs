using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Priority;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Priority;

/// <summary>
/// Headroom on provisioned capacity and the wait queue, through a gateway over a simulated provisioned deployment
/// (and, in some tests, a pay-as-you-go one), both on one fake clock: a reading stays fresh and a wait never times out
/// unless the test moves the clock. Consumer <c>app</c> is granted <c>high</c>, <c>batch</c> is granted <c>normal</c>
/// with one request at a time; both lower themselves with the priority header.
/// </summary>
public sealed class HeadroomTests : IAsyncLifetime
{
    private const string Pool = "chat";
    private const string Deployment = "gpt-4o";
    private const string AppKey = "key-app";
    private const string BatchKey = "key-batch";
    private const string ReaderKey = "key-reader";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly List<IAsyncDisposable> _owned = [];
    private SimulatorServer _ptu = null!;
    private SimulatorServer? _paygo;
    private TestGateway _gateway = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
    }

    private WaitQueue Queue => _gateway.Services.GetRequiredService<WaitQueue>();

    private async Task StartAsync(bool paygo, Dictionary<string, string?>? settings = null)
    {
        _ptu = await SimulatorServer.StartAsync(Simulator(SimulatedDeploymentType.Provisioned), timeProvider: _time);
        _owned.Add(_ptu);
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(AppKey),
            ["Tokengate:Consumers:batch:KeyHashes:0"] = KeyHash.Format(BatchKey),
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format(ReaderKey),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Priority:Consumers:app"] = "high",
            ["Tokengate:Limits:Consumers:batch:ConcurrentRequests"] = "1",
            [$"Tokengate:Pools:{Pool}:Backends:0:Model"] = "gpt-4o",
        };
        foreach (var (k, v) in TestBackends.Backend(Pool, 0, "ptu", _ptu, priority: 0, type: "Provisioned")) config[k] = v;
        if (paygo)
        {
            _paygo = await SimulatorServer.StartAsync(Simulator(SimulatedDeploymentType.Standard), timeProvider: _time);
            _owned.Add(_paygo);
            foreach (var (k, v) in TestBackends.Backend(Pool, 1, "paygo", _paygo, priority: 1)) config[k] = v;
            config[$"Tokengate:Pools:{Pool}:Backends:1:Model"] = "gpt-4o";
        }
        foreach (var (k, v) in settings ?? []) config[k] = v;
        _gateway = await TestGateway.StartAsync(config, _time);
        _owned.Add(_gateway);
    }

    private static SimulatorOptions Simulator(SimulatedDeploymentType type) => new()
    {
        ApiKeys = [TestBackends.BackendKey],
        Deployments = { [Deployment] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06", Type = type, TokensPerMinute = 10_000_000 } },
    };

    private HttpRequestMessage Chat(string key, string? priority = null, int? maxWaitMs = null)
    {
        var request = GatewayRequests.Chat(Pool, key);
        if (priority is not null) request.Headers.Add("x-tokengate-priority", priority);
        if (maxWaitMs is { } ms) request.Headers.Add("x-tokengate-max-wait", ms.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    private async Task<HttpStatusCode> SendAsync(string key, string? priority = null)
    {
        using var response = await _gateway.Client.SendAsync(Chat(key, priority));
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    /// <summary>The provisioned deployment at <paramref name="percent"/>, and the gateway told so by a high request it serves.</summary>
    private async Task PtuAtAsync(double percent)
    {
        _ptu.Control.SetUtilization(Deployment, percent);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(AppKey));
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(10);
        }
    }

    private long PtuReceived => _ptu.Control.GetStats(Deployment).RequestsReceived;

    [Fact]
    public async Task LowRequest_PtuFull_WaitsWhileHighIsServed_RunsWhenItDrains()
    {
        await StartAsync(paygo: false);
        await PtuAtAsync(85);  // above the low class's 70%, below the high class's 100%
        var before = PtuReceived;

        var low = _gateway.Client.SendAsync(Chat(AppKey, "low"));
        await Until(() => Queue.Count == 1, "the low request queues");
        Assert.Equal(before, PtuReceived);

        // The dashboard's data shows it waiting.
        using (var metrics = new HttpRequestMessage(HttpMethod.Get, "admin/metrics/backends?minutes=1"))
        {
            metrics.Headers.Add("api-key", ReaderKey);
            using var answer = await _gateway.Client.SendAsync(metrics);
            using var json = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            var queue = Assert.Single(json.RootElement.GetProperty("queues").EnumerateArray());
            Assert.Equal((Pool, "low", 1), (queue.GetProperty("pool").GetString(), queue.GetProperty("priority").GetString(), queue.GetProperty("depth").GetInt32()));
        }

        // High priority still gets the provisioned deployment while low waits.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(AppKey));
        Assert.False(low.IsCompleted);

        // It drains: the next answer brings a low reading and wakes the queue.
        await PtuAtAsync(10);
        using var served = await low;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(0, Queue.Count);
        Assert.Equal(before + 3, PtuReceived);
    }

    [Fact]
    public async Task PtuAboveNormalThreshold_NormalSpillsToPaygo_HighStays_LowWaitsForThePtu()
    {
        await StartAsync(paygo: true);
        await PtuAtAsync(95);
        var ptuBefore = PtuReceived;

        Assert.Equal(HttpStatusCode.OK, await SendAsync(AppKey, "normal"));
        Assert.Equal(1, _paygo!.Control.GetStats(Deployment).RequestsReceived);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(AppKey));
        Assert.Equal(ptuBefore + 1, PtuReceived);

        var low = _gateway.Client.SendAsync(Chat(AppKey, "low"));
        await Until(() => Queue.Count == 1, "the low request waits rather than pay for pay-as-you-go");
        Assert.Equal(1, _paygo.Control.GetStats(Deployment).RequestsReceived);

        await PtuAtAsync(10);
        using var served = await low;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(1, _paygo.Control.GetStats(Deployment).RequestsReceived);
    }

    [Fact]
    public async Task LowClassThatSpills_PtuAboveItsThreshold_GoesToPaygoAtOnce()
    {
        await StartAsync(paygo: true, new() { ["Tokengate:Priority:Policies:low:WhenFull"] = "Spill" });
        await PtuAtAsync(80);

        Assert.Equal(HttpStatusCode.OK, await SendAsync(AppKey, "low"));
        Assert.Equal(1, _paygo!.Control.GetStats(Deployment).RequestsReceived);
        Assert.Equal(0, Queue.Count);
    }

    [Fact]
    public async Task LowClientDisconnectsWhileWaiting_LeavesTheQueue_NoReservationLeft()
    {
        await StartAsync(paygo: false);
        await PtuAtAsync(85);

        using (var client = new CancellationTokenSource())
        {
            var low = _gateway.Client.SendAsync(Chat(BatchKey, "low"), client.Token);
            await Until(() => Queue.Count == 1, "the low request queues");
            await client.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => low);
        }
        await Until(() => Queue.Count == 0, "the disconnected request leaves the queue");
        Assert.All(Queue.Depths(), d => Assert.Equal(0, d.Depth));

        // batch may have one request in flight: had the waiting one kept its reservation, this would be refused.
        HttpStatusCode status = default;
        await Until(() => (status = SendAsync(BatchKey).GetAwaiter().GetResult()) == HttpStatusCode.OK, "the consumer's slot is free again");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task MaxWaitHeader_ShortWait_EndsWith429AndRetryAfter()
    {
        await StartAsync(paygo: false);
        await PtuAtAsync(85);

        var low = _gateway.Client.SendAsync(Chat(AppKey, "low", maxWaitMs: 500));
        await Until(() => Queue.Count == 1, "the low request queues");
        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.False(low.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        using var response = await low;
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "429");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(response.Headers.Contains("retry-after-ms"));
        Assert.Equal(0, Queue.Count);
    }

    [Fact]
    public async Task MaxWaitHeaderZero_NoWait_CapacityReservedAtOnce()
    {
        await StartAsync(paygo: false);
        await PtuAtAsync(85);
        var before = PtuReceived;

        using var response = await _gateway.Client.SendAsync(Chat(AppKey, "low", maxWaitMs: 0));

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "429");
        Assert.Contains("reserved", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, PtuReceived);
    }

    [Fact]
    public async Task PerConsumerBound_PastIt_AnsweredAtOnce_OtherConsumersStillWait()
    {
        await StartAsync(paygo: false, new() { ["Tokengate:Priority:Policies:low:MaxQueuedPerConsumer"] = "2" });
        await PtuAtAsync(85);

        var waiting = new[] { _gateway.Client.SendAsync(Chat(AppKey, "low")), _gateway.Client.SendAsync(Chat(AppKey, "low")) };
        await Until(() => Queue.Count == 2, "two low requests of app queue");

        using (var third = await _gateway.Client.SendAsync(Chat(AppKey, "low")))
            await AzureErrorAssert.IsErrorAsync(third, HttpStatusCode.TooManyRequests, "429");

        var other = _gateway.Client.SendAsync(Chat(BatchKey, "low"));
        await Until(() => Queue.Count == 3, "another consumer still queues");

        await PtuAtAsync(10);
        foreach (var r in await Task.WhenAll([.. waiting, other]))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            r.Dispose();
        }
        Assert.Equal(0, Queue.Count);
    }

    [Fact]
    public async Task LowRequest_OwnRateLimitFull_WaitsForTheWindowInsteadOf429()
    {
        await StartAsync(paygo: false, new()
        {
            ["Tokengate:Limits:Consumers:app:RequestsPerMinute"] = "1",
            ["Tokengate:Priority:Policies:low:MaxWait"] = "00:02:00",
        });
        Assert.Equal(HttpStatusCode.OK, await SendAsync(AppKey, "low"));

        var low = _gateway.Client.SendAsync(Chat(AppKey, "low"));
        await Until(() => Queue.Count == 1, "the low request waits for its window");

        _time.Advance(TimeSpan.FromSeconds(61));
        using var served = await low;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(0, Queue.Count);
    }
}
