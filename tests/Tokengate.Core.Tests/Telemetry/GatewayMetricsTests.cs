using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Accounting;
using Tokengate.Operations;

namespace Tokengate.Telemetry;

public sealed class GatewayMetricsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private readonly ServiceProvider _services;
    private readonly GatewayMetrics _metrics;
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = [];

    public GatewayMetricsTests()
    {
        _services = new ServiceCollection()
            .AddMetrics()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(Now))
            .AddSingleton<MetricsTimeline>()
            .AddSingleton<BackendQuotaBook>()
            .AddSingleton<GatewayMetrics>()
            .BuildServiceProvider();
        _metrics = _services.GetRequiredService<GatewayMetrics>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _metrics.Meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Collect(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Collect(i, v, tags));
        _listener.Start();
    }

    [Fact]
    public void Batch_CountersAddedOncePerTagSet_WithTheSums()
    {
        _metrics.Record(
        [
            Chat("alice", 200, prompt: 10, completion: 2, cost: 0.25m),
            Chat("alice", 200, prompt: 20, completion: 3, cost: 0.5m),
            Chat("alice", 500, prompt: 5, completion: 0, cost: 0m),
            Chat("bob", 429, prompt: 0, completion: 0, cost: 0m) with { Backend = null, Rejected = true },
        ], Now);

        var requests = Of("tokengate.consumer.requests");
        Assert.Equal(3, requests.Count);
        Assert.Equal(2, requests.Single(m => m.Tags["tokengate.consumer"] == "alice" && m.Tags["tokengate.status_class"] == "2xx").Value);
        Assert.Equal(1, requests.Single(m => m.Tags["tokengate.consumer"] == "alice" && m.Tags["tokengate.status_class"] == "5xx").Value);
        Assert.Equal(1, requests.Single(m => m.Tags["tokengate.consumer"] == "bob" && m.Tags["tokengate.status_class"] == "429").Value);

        var tokens = Of("tokengate.consumer.tokens");
        Assert.Equal(2, tokens.Count);
        Assert.Equal(35, tokens.Single(m => m.Tags["gen_ai.token.type"] == "input").Value);
        Assert.Equal(5, tokens.Single(m => m.Tags["gen_ai.token.type"] == "output").Value);
        Assert.Equal(0.75, Assert.Single(Of("tokengate.consumer.cost")).Value, 6);
        Assert.Equal("bob", Assert.Single(Of("tokengate.consumer.rejections")).Tags["tokengate.consumer"]);
        Assert.Equal(35, Of("tokengate.backend.tokens").Single(m => m.Tags["gen_ai.token.type"] == "input").Value);
        Assert.Equal(3, Of("tokengate.priority.requests").Count);

        // Histograms keep each record's own value: three records reached a backend.
        Assert.Equal(3, Of("gen_ai.client.operation.duration").Count);
        Assert.Equal(4, Of("tokengate.ledger.lag").Count);
    }

    [Fact]
    public void NextBatch_StartsFromZero()
    {
        _metrics.Record([Chat("alice", 200, prompt: 10, completion: 2, cost: 0.25m)], Now);
        _metrics.Record([Chat("alice", 200, prompt: 10, completion: 2, cost: 0.25m)], Now);

        var requests = Of("tokengate.consumer.requests");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public void MediaUsage_SummedByModalityAndUnit()
    {
        var media = new MediaUsage { AudioInputTokens = 7, ImageOutputTokens = 3, Images = 1, AudioSeconds = 1.5 };
        _metrics.Record([Chat("alice", 200, 10, 2, 0m) with { Media = media }, Chat("alice", 200, 10, 2, 0m) with { Media = media }], Now);

        var mediaTokens = Of("tokengate.consumer.media_tokens");
        Assert.Equal(14, mediaTokens.Single(m => m.Tags["tokengate.modality"] == "audio").Value);
        Assert.Equal(6, mediaTokens.Single(m => m.Tags["tokengate.modality"] == "image").Value);
        var units = Of("tokengate.consumer.media_units");
        Assert.Equal(2, units.Single(m => m.Tags["tokengate.media.unit"] == "image").Value);
        Assert.Equal(3, units.Single(m => m.Tags["tokengate.media.unit"] == "audio_second").Value, 6);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private static UsageRecord Chat(string consumer, int status, long prompt, long completion, decimal cost) =>
        new(Now.AddMilliseconds(-50), consumer, "apps", "bench", "static", "gpt-4o", prompt, 0, completion, cost, status, 12, null, false,
            UsageSource.Reported, "standard", OperationRegistry.ChatCompletions) { Pool = "bench" };

    private List<(string Instrument, double Value, Dictionary<string, string?> Tags)> Of(string instrument) =>
        _measurements.Where(m => m.Instrument == instrument).ToList();

    private void Collect(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value?.ToString();
        _measurements.Add((instrument.Name, value, copy));
    }
}
