using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Tokengate.Accounting;
using Tokengate.Operations;
using Tokengate.Telemetry;

namespace Tokengate.Micro;

/// <summary>
/// What the ledger writer's metrics cost for one batch of 400 chat completions (a 100 ms flush at 4,000 req/s),
/// with OpenTelemetry's meter provider and Prometheus exporter listening as in the gateway. <c>PerRecord</c> hands
/// each record over on its own, which adds every counter once per record (what the writer did before);
/// <c>Batched</c> hands over the batch, whose counters are summed per tag set and added once each. The time is
/// spent on a core that also serves requests.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 11)]
[MinColumn, MedianColumn]
public class LedgerMetricsBenchmarks
{
    private const int BatchSize = 400;
    private ServiceProvider _services = null!;
    private GatewayMetrics _metrics = null!;
    private UsageRecord[] _batch = null!;

    [Params(1, 8)]
    public int Consumers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddGatewayTelemetry(new ConfigurationBuilder().Build());
        _services = services.BuildServiceProvider();
        _services.GetRequiredService<MeterProvider>();
        _metrics = _services.GetRequiredService<GatewayMetrics>();
        var now = DateTimeOffset.UtcNow;
        _batch = Enumerable.Range(0, BatchSize).Select(i => new UsageRecord(now, $"consumer-{i % Consumers}", "apps", "bench", "static",
            "gpt-4o-2024-11-20", 38, 0, 6, 0.000155m, 200, 0.4, null, false, UsageSource.Reported, "standard", OperationRegistry.ChatCompletions)
        {
            Pool = "bench",
            OperationName = "chat.completions",
            OverheadMs = 0.05,
        }).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize)]
    public void PerRecord()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var record in _batch) _metrics.Record(record, now);
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public void Batched() => _metrics.Record(_batch, DateTimeOffset.UtcNow);
}
