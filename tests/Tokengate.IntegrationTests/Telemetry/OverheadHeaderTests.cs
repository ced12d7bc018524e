using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;
using Tokengate.Proxy;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Telemetry;

/// <summary>
/// <c>x-tokengate-overhead-ms</c> (off by default) and the <c>tokengate.gateway.overhead</c> histogram, through a
/// simulated backend that takes a known time to answer, on the system clock.
/// </summary>
public sealed class OverheadHeaderTests
{
    private const string Key = "key-overhead";
    private const double BackendMs = 150;

    [Fact]
    public async Task Response_ByDefault_HasNoOverheadHeader()
    {
        await using var run = await StartAsync(header: null);
        using var response = await run.Client.SendAsync(GatewayRequests.Chat(LimitsHarness.Deployment, Key, body: LimitsHarness.ChatBody("hello")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains(Forwarder.OverheadHeader));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Response_HeaderOn_CarriesTheGatewaysOwnTimeWithoutTheBackendsWait(bool stream)
    {
        await using var run = await StartAsync(header: true);
        using var listener = new OverheadListener(run.Gateway);
        var started = Stopwatch.GetTimestamp();
        using var response = await run.Client.SendAsync(GatewayRequests.Chat(LimitsHarness.Deployment, Key, body: LimitsHarness.ChatBody("hello", stream: stream)),
            HttpCompletionOption.ResponseHeadersRead);
        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var text = Assert.Single(response.Headers.GetValues(Forwarder.OverheadHeader));
        Assert.Matches(@"^\d+\.\d{3}$", text);
        var overhead = double.Parse(text, CultureInfo.InvariantCulture);
        Assert.True(overhead >= 0, text);
        Assert.True(overhead < total, $"{text} ms of {total} ms");
        // The backend's time before its headers is not the gateway's.
        Assert.True(overhead + BackendMs * 0.9 <= total, $"{text} ms of {total} ms with a {BackendMs} ms backend");

        var recorded = await listener.WaitAsync();
        Assert.Equal("chat", recorded.Operation);
        Assert.InRange(recorded.Value, 0, total);
    }

    [Fact]
    public async Task Histogram_WithTheHeaderOff_IsRecordedAnyway()
    {
        await using var run = await StartAsync(header: false);
        using var listener = new OverheadListener(run.Gateway);
        using var response = await run.Client.SendAsync(GatewayRequests.Chat(LimitsHarness.Deployment, Key, body: LimitsHarness.ChatBody("hello")));
        Assert.False(response.Headers.Contains(Forwarder.OverheadHeader));
        var recorded = await listener.WaitAsync();
        Assert.True(recorded.Value >= 0);
    }

    private static async Task<Run> StartAsync(bool? header)
    {
        var backend = await TestBackends.StartAsync();
        backend.Control.Update("gpt-4o", o =>
        {
            o.TokensPerMinute = 10_000_000;
            o.Latency.TimeToFirstTokenMs = BackendMs;
        });
        var data = Directory.CreateTempSubdirectory("tokengate-overhead-");
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = data.FullName,
            ["Tokengate:Consumers:overhead:KeyHashes:0"] = KeyHash.Format(Key),
            [$"Tokengate:Pools:{LimitsHarness.Deployment}:Backends:0:Model"] = "gpt-4o",
        };
        foreach (var (k, v) in TestBackends.Backend(LimitsHarness.Deployment, 0, "sim-overhead", backend)) config[k] = v;
        if (header is { } on) config["Tokengate:Telemetry:OverheadHeader"] = on ? "true" : "false";
        var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(config));
        return new Run(backend, gateway, data);
    }

    private sealed class Run(Tokengate.Simulator.SimulatorServer backend, GatewayServer gateway, DirectoryInfo data) : IAsyncDisposable
    {
        public GatewayServer Gateway { get; } = gateway;

        public HttpClient Client { get; } = new() { BaseAddress = gateway.Endpoint, Timeout = TimeSpan.FromSeconds(60) };

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Gateway.DisposeAsync();
            await backend.DisposeAsync();
            SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    /// <summary>The overhead histogram of one gateway's meter (tests beside it have meters of their own).</summary>
    private sealed class OverheadListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly TaskCompletionSource<(double Value, string? Operation)> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OverheadListener(GatewayServer gateway)
        {
            var meter = gateway.App.Services.GetRequiredService<GatewayMetrics>().Meter;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter && instrument.Name == "tokengate.gateway.overhead")
                {
                    Assert.Equal("ms", instrument.Unit);
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            {
                string? operation = null;
                foreach (var tag in tags) if (tag.Key == TelemetryTags.Operation) operation = tag.Value as string;
                _first.TrySetResult((value, operation));
            });
            _listener.Start();
        }

        /// <summary>The first measurement: it is recorded off the request path, after the response.</summary>
        public Task<(double Value, string? Operation)> WaitAsync() => _first.Task.WaitAsync(TimeSpan.FromSeconds(20));

        public void Dispose() => _listener.Dispose();
    }
}
