using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Proxy;
using Tokengate.Secrets;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Secrets;

/// <summary>Backend key 1 → key 2 under continuous load, on command, on schedule and on a 401, with no failed request.</summary>
public sealed class BackendKeyRotationTests : IAsyncLifetime
{
    private const string ConsumerKey = "tg_rotation-test-key";
    private const string Backend = "rotating";
    private readonly string _key1Variable = "TOKENGATE_TEST_KEY1_" + Guid.NewGuid().ToString("N");
    private readonly string _key2Variable = "TOKENGATE_TEST_KEY2_" + Guid.NewGuid().ToString("N");
    private readonly string _key1 = "key1-" + Guid.NewGuid().ToString("N");
    private readonly string _key2 = "key2-" + Guid.NewGuid().ToString("N");
    private readonly CapturingLoggerProvider _logs = new();
    private SimulatorServer _simulator = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_key1Variable, _key1);
        Environment.SetEnvironmentVariable(_key2Variable, _key2);
        var options = new SimulatorOptions { ApiKeys = [_key1, _key2] };
        // Limits far above the load, so every answer is about keys, not throttling.
        options.Deployments["gpt-4o"] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06", TokensPerMinute = 100_000_000, RequestsPerMinutePer1000Tpm = 1000 };
        _simulator = await SimulatorServer.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        Environment.SetEnvironmentVariable(_key1Variable, null);
        Environment.SetEnvironmentVariable(_key2Variable, null);
    }

    private Task<GatewayServer> StartGatewayAsync(TimeProvider? time = null, string? interval = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(ConsumerKey),
            ["Tokengate:Pools:gpt-4o:Backends:0:Name"] = Backend,
            ["Tokengate:Pools:gpt-4o:Backends:0:Endpoint"] = _simulator.Endpoint.ToString(),
            ["Tokengate:Pools:gpt-4o:Backends:0:ApiKey"] = "env:" + _key1Variable,
            ["Tokengate:Pools:gpt-4o:Backends:0:SecondaryApiKey"] = "env:" + _key2Variable,
            ["Tokengate:Pools:gpt-4o:Backends:0:KeyRotationInterval"] = interval,
            // One backend: a failed attempt would have nowhere to fail over to and would reach the client.
            ["Tokengate:Forwarding:MaxAttempts"] = "1",
        };
        return GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Logging.AddProvider(_logs);
            if (time is not null) b.Services.AddSingleton(time);
        });
    }

    private static ApiKeyBackendCredential Credential(GatewayServer gateway) =>
        gateway.App.Services.GetRequiredService<BackendKeyRotation>().Credentials().Single();

    [Fact]
    public async Task RotateAsync_UnderLoadThenKey1Regenerated_NoRequestFails()
    {
        await using var gateway = await StartGatewayAsync();
        await using var load = new Load(gateway.Endpoint, clients: 8);

        await load.WaitForCompletedAsync(40);
        var active = await gateway.App.Services.GetRequiredService<BackendKeyRotation>().RotateAsync(Backend);
        Assert.Equal(ApiKeyCredentialSlot.Secondary, active);
        await load.WaitForCompletedAsync(load.Completed + 40);

        // Key 1 is regenerated at the resource: only key 2 works from now on.
        _simulator.Control.SetApiKeys(_key2);
        await load.WaitForCompletedAsync(load.Completed + 80);
        var statuses = await load.StopAsync();

        Assert.True(statuses.Count >= 160);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        // The rotation was in force before key 1 died: no request needed the 401 fallback.
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("refused its", StringComparison.Ordinal));
        Assert.Contains(_logs.Lines, l => l.Contains($"Backend {Backend} now uses its Secondary key (rotated on command", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unauthorized_ActiveKeyRegeneratedUnderLoad_SameAttemptRetriedWithOtherKey_NoRequestFails()
    {
        await using var gateway = await StartGatewayAsync();
        await using var load = new Load(gateway.Endpoint, clients: 8);
        await load.WaitForCompletedAsync(40);

        // Nobody told the gateway: key 1 simply stops working.
        _simulator.Control.SetApiKeys(_key2);
        await load.WaitForCompletedAsync(load.Completed + 120);
        var statuses = await load.StopAsync();

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(ApiKeyCredentialSlot.Secondary, Credential(gateway).ActiveSlot);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains($"Backend {Backend} refused its Primary key with 401", StringComparison.Ordinal));
        Assert.DoesNotContain(_key1, _logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(_key2, _logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthorized_BothKeysRefused_FailsWithoutLooping()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };
        _simulator.Control.SetApiKeys("neither-key");

        using var response = await client.SendAsync(GatewayRequests.Chat("gpt-4o", ConsumerKey));

        // One retry with key 2, then the backend is marked failed like any misconfigured backend.
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable");
        Assert.Single(_logs.Lines, l => l.Contains("refused its", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Schedule_IntervalPassed_RotatesAndKeepsServing()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        await using var gateway = await StartGatewayAsync(time, interval: "1.00:00:00");
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };
        var credential = Credential(gateway);

        time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(ApiKeyCredentialSlot.Primary, credential.ActiveSlot);

        time.Advance(TimeSpan.FromHours(1));
        await Poll.UntilAsync(() => credential.ActiveSlot == ApiKeyCredentialSlot.Secondary);
        _simulator.Control.SetApiKeys(_key2);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("gpt-4o", ConsumerKey))).StatusCode);

        time.Advance(TimeSpan.FromDays(1));
        await Poll.UntilAsync(() => credential.ActiveSlot == ApiKeyCredentialSlot.Primary);
        Assert.Contains(_logs.Lines, l => l.Contains("rotated on schedule", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RotateAsync_SecretUnreadable_RefusedAndKeyUnchanged()
    {
        await using var gateway = await StartGatewayAsync();
        var rotation = gateway.App.Services.GetRequiredService<BackendKeyRotation>();
        Environment.SetEnvironmentVariable(_key2Variable, null);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => rotation.RotateAsync(Backend));

        Assert.Contains(_key2Variable, ex.Message, StringComparison.Ordinal);
        Assert.Equal(ApiKeyCredentialSlot.Primary, Credential(gateway).ActiveSlot);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => rotation.RotateAsync("no-such-backend"));
    }

    [Fact]
    public async Task Reload_AfterRotation_KeepsTheActiveKey()
    {
        await using var gateway = await StartGatewayAsync();
        await gateway.App.Services.GetRequiredService<BackendKeyRotation>().RotateAsync(Backend);
        var configuration = (IConfigurationRoot)gateway.App.Configuration;

        configuration["Tokengate:Pools:gpt-4o:Backends:0:Weight"] = "2";
        configuration.Reload();

        Assert.Equal(ApiKeyCredentialSlot.Secondary, Credential(gateway).ActiveSlot);
    }

    /// <summary>Clients that send chat requests back to back until stopped.</summary>
    private sealed class Load : IAsyncDisposable
    {
        private readonly HttpClient _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<HttpStatusCode> _statuses = [];
        private readonly Task[] _workers;

        public Load(Uri endpoint, int clients)
        {
            _client = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
            _workers = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(RunAsync))];
        }

        public int Completed { get { lock (_statuses) return _statuses.Count; } }

        public Task WaitForCompletedAsync(int count) => Poll.UntilAsync(() => Completed >= count);

        public async Task<List<HttpStatusCode>> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
            lock (_statuses) return [.. _statuses];
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested) await StopAsync();
            _client.Dispose();
            _stop.Dispose();
        }

        private async Task RunAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var response = await _client.SendAsync(GatewayRequests.Chat("gpt-4o", ConsumerKey));
                await response.Content.ReadAsByteArrayAsync();
                lock (_statuses) _statuses.Add(response.StatusCode);
            }
        }
    }
}
