using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Accounting;
using Tokengate.Affinity;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Storage;
using Tokengate.Telemetry;

namespace Tokengate.Hosting;

/// <summary>
/// The real in-memory collaborators of the pipeline steps on one test clock: metrics on a private meter factory, the
/// failure audit queue, the usage ledger queue and the affinity store. Nothing here starts a background writer, so a
/// test reads what a step queued straight from the queue.
/// </summary>
internal sealed class StepServices : IDisposable
{
    private readonly ServiceProvider _services;

    public StepServices()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        _services = new ServiceCollection()
            .AddMetrics()
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton<MetricsTimeline>()
            .AddSingleton<BackendQuotaBook>()
            .AddSingleton<GatewayMetrics>()
            .BuildServiceProvider();
        Metrics = _services.GetRequiredService<GatewayMetrics>();
        AffinityStore = new InMemoryAffinityStore(Time, maxRecords: 1000, metrics: null);
        Affinity = new ResponseAffinity(AffinityStore, Options.Create(new AffinityOptions()), Time);
    }

    /// <summary>On a whole second, so rate-limit windows and retry-after values are exact.</summary>
    public FakeTimeProvider Time { get; }

    public GatewayMetrics Metrics { get; }

    public InMemoryAffinityStore AffinityStore { get; }

    public ResponseAffinity Affinity { get; }

    public FailureAudit FailureAudit() => new(Options.Create(new AuditOptions()), Metrics, Time);

    public UsageLedger Ledger(GatewayOptions options) =>
        new(Options.Create(options), new AccountingMetrics(Metrics, new LedgerSpool(Options.Create(new DataOptions()), NullLogger<LedgerSpool>.Instance)));

    /// <summary>Records that <paramref name="id"/> is a stored response of <paramref name="consumer"/> on a backend of a pool.</summary>
    public ValueTask StoreResponseAsync(string id, string consumer, string pool, string backend, long chainTokens)
    {
        var now = Time.GetUtcNow();
        return AffinityStore.RecordAsync(
            new AffinityRecord(id, AffinityKinds.Response, pool, backend, consumer, now, now + TimeSpan.FromDays(30), chainTokens), CancellationToken.None);
    }

    public void Dispose() => _services.Dispose();
}
