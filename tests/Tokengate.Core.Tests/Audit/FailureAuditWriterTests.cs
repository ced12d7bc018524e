using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Telemetry;

namespace Tokengate.Audit;

/// <summary>
/// The aggregating writer of failure records on a test clock: intervals end only when the test moves the clock, and
/// the writer's own loop is awaited by polling with a deadline, never by sleeping.
/// </summary>
public sealed class FailureAuditWriterTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly IPAddress A = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress B = IPAddress.Parse("198.51.100.20");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly ListAuditLog _log = new();

    public FailureAuditWriterTests() => _services = new ServiceCollection()
        .AddMetrics()
        .AddSingleton<TimeProvider>(_time)
        .AddSingleton<MetricsTimeline>()
        .AddSingleton<BackendQuotaBook>()
        .AddSingleton<GatewayMetrics>()
        .BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Record_RepeatsWithinInterval_OneRecordPerAddressAndReasonWithCount()
    {
        var (failures, writer) = Create();
        await writer.StartAsync(default);
        var firstAt = _time.GetUtcNow();
        for (var i = 0; i < 1000; i++) failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, A, FailureAudit.NoCredential, $"GET /admin/x{i}", "scanner/1.0");
        _time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 3; i++) failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, A, FailureAudit.InvalidKey, "GET /admin/pools");
        for (var i = 0; i < 5; i++) failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, B, FailureAudit.NoCredential, "GET /admin/pools");
        Assert.Empty(_log.Snapshot()); // nothing is written before the interval ends

        _time.Advance(Interval);
        var records = await WhenWrittenAsync(3);
        var flood = Assert.Single(records, r => r.ClientAddress == "203.0.113.7" && r.Detail!.StartsWith(FailureAudit.NoCredential, StringComparison.Ordinal));
        Assert.Equal((1000L, firstAt, "GET /admin/x0", "denied"), (flood.Count, flood.At, flood.Target, flood.Outcome));
        Assert.Equal("no credential; user agent: scanner/1.0", flood.Detail);
        Assert.Equal(3, Assert.Single(records, r => r.Detail == FailureAudit.InvalidKey).Count);
        Assert.Equal(5, Assert.Single(records, r => r.ClientAddress == "198.51.100.20").Count);

        // The next interval starts counting afresh.
        failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, A, FailureAudit.NoCredential, "GET /admin/pools");
        _time.Advance(Interval);
        var next = (await WhenWrittenAsync(4))[3];
        Assert.Equal((1L, "203.0.113.7"), (next.Count, next.ClientAddress));
        await writer.StoppedAsync(default);
        Assert.Equal(4, _log.Snapshot().Count);
    }

    [Fact]
    public async Task Record_ActionsAndActorsApart_IPv4MappedSameAsIPv4()
    {
        var (failures, writer) = Create();
        await writer.StartAsync(default);
        failures.Record(FailureAudit.AuthenticationFailed, FailureAudit.Unauthenticated, A, FailureAudit.InvalidKey, "POST /v1/chat/completions");
        failures.Record(FailureAudit.AuthenticationFailed, FailureAudit.Unauthenticated, A.MapToIPv6(), FailureAudit.InvalidKey, "POST /v1/chat/completions");
        failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, A, FailureAudit.InvalidKey, "GET /admin/pools");
        failures.Record(FailureAudit.AuthorizationDenied, "app", A, "scope", "gpt-4o");
        failures.Record(FailureAudit.AuthorizationDenied, "other", A, "scope", "gpt-4o");
        await writer.StoppedAsync(default);

        var records = _log.Snapshot();
        Assert.Equal(4, records.Count);
        Assert.Equal(2, Assert.Single(records, r => r.Action == FailureAudit.AuthenticationFailed).Count);
        Assert.All(records, r => Assert.Equal("203.0.113.7", r.ClientAddress));
    }

    [Fact]
    public async Task Record_MoreDistinctFailuresThanTheLimit_RestCountedInOneRecordPerAction()
    {
        var (failures, writer) = Create(new AuditOptions { FailureInterval = Interval, MaxFailureRecordsPerInterval = 10 });
        await writer.StartAsync(default);
        for (var i = 0; i < 500; i++)
            failures.Record(FailureAudit.AuthenticationFailed, FailureAudit.Unauthenticated, new IPAddress([10, 0, (byte)(i / 256), (byte)i]), FailureAudit.NoCredential, "POST /v1/chat/completions");
        failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, A, FailureAudit.NoCredential, "GET /admin/pools");
        await writer.StoppedAsync(default);

        var records = _log.Snapshot();
        Assert.Equal(10 + 2, records.Count);
        Assert.Equal(501, records.Sum(r => r.Count));
        var rest = Assert.Single(records, r => r.Actor == FailureAuditWriter.Various && r.Action == FailureAudit.AuthenticationFailed);
        Assert.Equal((490L, (string?)null), (rest.Count, rest.ClientAddress));
        Assert.Contains("MaxFailureRecordsPerInterval", rest.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_QueueFull_DroppedAndCountedInMetric_RestWrittenOnStop()
    {
        var (failures, writer) = Create(new AuditOptions { FailureInterval = Interval, FailureQueueCapacity = 100 });
        using var dropped = new DropCounter(_services.GetRequiredService<GatewayMetrics>().Meter);

        // The writer is not running, so nothing leaves the queue.
        for (var i = 0; i < 150; i++) failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, A, FailureAudit.NoCredential, "GET /admin/pools");
        Assert.Equal(50, dropped.Total("queue_full"));

        await writer.StartAsync(default);
        await writer.StoppedAsync(default);
        Assert.Equal(100, Assert.Single(_log.Snapshot()).Count);
    }

    [Fact]
    public async Task Flush_DatabaseRefuses_CountedAsDroppedAndTheWriterGoesOn()
    {
        _log.Fail = true;
        var (failures, writer) = Create();
        using var dropped = new DropCounter(_services.GetRequiredService<GatewayMetrics>().Meter);
        await writer.StartAsync(default);
        for (var i = 0; i < 7; i++) failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, A, FailureAudit.NoCredential, "GET /admin/pools");
        _time.Advance(Interval);
        await Poll.UntilAsync(() => dropped.Total("write_failed") == 7);

        _log.Fail = false;
        failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, B, FailureAudit.NoCredential, "GET /admin/pools");
        await writer.StoppedAsync(default);
        Assert.Equal("198.51.100.20", Assert.Single(_log.Snapshot()).ClientAddress);
    }

    [Fact]
    public async Task Record_LongFieldsFromTheRequest_CappedWithMarker()
    {
        var (failures, writer) = Create(new AuditOptions { FailureInterval = Interval, MaxFieldLength = 32 });
        await writer.StartAsync(default);
        failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, A, FailureAudit.NoCredential,
            "GET /admin/" + new string('a', 10_000), "agent\r\nforged line" + new string('b', 10_000));
        await writer.StoppedAsync(default);

        var record = Assert.Single(_log.Snapshot());
        Assert.Equal("GET /admin/" + new string('a', 21) + "…[+9979]", record.Target);
        Assert.Equal("no credential; user agent: agent??forged line" + new string('b', 14) + "…[+9986]", record.Detail);
    }

    private (FailureAudit Failures, FailureAuditWriter Writer) Create(AuditOptions? options = null)
    {
        var o = Options.Create(options ?? new AuditOptions { FailureInterval = Interval });
        var metrics = _services.GetRequiredService<GatewayMetrics>();
        var failures = new FailureAudit(o, metrics, _time);
        return (failures, new FailureAuditWriter(failures, _log, o, _time, NullLogger<FailureAuditWriter>.Instance));
    }

    private async Task<IReadOnlyList<AuditRecord>> WhenWrittenAsync(int count)
    {
        await Poll.UntilAsync(() => _log.Snapshot().Count >= count);
        return _log.Snapshot();
    }

    private sealed class DropCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _totals = [];

        public DropCounter(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter && instrument.Name == "tokengate.audit.failures_dropped") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key != TelemetryTags.ErrorType) continue;
                    lock (_totals) _totals[(string)tag.Value!] = _totals.GetValueOrDefault((string)tag.Value!) + value;
                }
            });
            _listener.Start();
        }

        public long Total(string errorType)
        {
            lock (_totals) return _totals.GetValueOrDefault(errorType);
        }

        public void Dispose() => _listener.Dispose();
    }
}
