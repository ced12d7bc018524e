using System.Diagnostics.Metrics;
using Tokengate.Accounting;

namespace Tokengate.Telemetry;

/// <summary>
/// The observable gauges of the <c>Tokengate</c> meter: read when a scrape or an export asks, never on the
/// request path. Created once at start (<see cref="Register"/>).
/// </summary>
internal sealed class GatewayGauges(GatewayMetrics metrics, CapacityReadings readings, UsageLedger ledger, Priority.WaitQueue queue, Routing.BackendDrainState drains)
{
    private const string Tokens = "tokens";
    private const string Requests = "requests";

    public void Register()
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("tokengate.backend.tokens_per_minute", () => Backends(r => r.TokensPerMinute), "{token}",
            "Tokens a backend served in the last 60 s (from usage).");
        meter.CreateObservableGauge("tokengate.backend.requests_per_minute", () => Backends(r => r.RequestsPerMinute), "{request}",
            "Requests a backend served in the last 60 s.");
        meter.CreateObservableGauge("tokengate.backend.ratelimit.limit", () => Limits(remaining: false), "1",
            "The backend's rate limit as it last reported it (x-ratelimit-limit-tokens / -requests), by tokengate.limit.kind.");
        meter.CreateObservableGauge("tokengate.backend.ratelimit.remaining", () => Limits(remaining: true), "1",
            "What the backend last reported as remaining in its window (x-ratelimit-remaining-*), by tokengate.limit.kind.");
        meter.CreateObservableGauge("tokengate.backend.utilization", Utilization, "%",
            "Provisioned: the backend's reported utilization; standard: the share of its token limit in use.");
        meter.CreateObservableGauge("tokengate.backend.cooling", () => Backends(r => r.Cooling ? 1 : 0), "1",
            "1 while the backend rests after a 429 or a failure.");
        meter.CreateObservableGauge("tokengate.backend.drained", () => Backends(r => drains.Find(r.Backend) is null ? 0 : 1), "1",
            "1 while an operator has the backend drained (it takes no new requests).");
        meter.CreateObservableGauge("tokengate.backend.circuit_state", () => Backends(r => r.CircuitState switch { "open" => 1, "half_open" => 2, _ => 0 }), "1",
            "Circuit breaker: 0 closed, 1 open, 2 half-open.");
        meter.CreateObservableGauge("tokengate.budget.consumed", BudgetRatios, "1", "Share of each budget spent in its current period (1 = the amount).");
        meter.CreateObservableGauge("tokengate.queue.depth", QueueDepths, "{request}",
            "Requests waiting in the wait queue for capacity of their priority class or their rate-limit window, by tokengate.pool and tokengate.priority.");
        meter.CreateObservableGauge("tokengate.ledger.queue_length", () => ledger.Reader.Count, "{record}", "Usage records waiting for the ledger writer.");
    }

    private IEnumerable<Measurement<long>> Backends(Func<BackendReading, long> value)
    {
        foreach (var (_, r) in readings.Backends()) yield return new Measurement<long>(value(r), Tags(r));
    }

    private IEnumerable<Measurement<long>> Limits(bool remaining)
    {
        foreach (var (_, r) in readings.Backends())
        {
            if ((remaining ? r.RemainingTokens : r.LimitTokens) is { } tokens) yield return new Measurement<long>(tokens, Tags(r, Tokens));
            if ((remaining ? r.RemainingRequests : r.LimitRequests) is { } requests) yield return new Measurement<long>(requests, Tags(r, Requests));
        }
    }

    private IEnumerable<Measurement<double>> Utilization()
    {
        foreach (var (_, r) in readings.Backends())
        {
            if (r.UtilizationPercent is { } u) yield return new Measurement<double>(u, Tags(r));
        }
    }

    private IEnumerable<Measurement<int>> QueueDepths()
    {
        foreach (var (pool, priority, depth) in queue.Depths())
            yield return new Measurement<int>(depth, new KeyValuePair<string, object?>(TelemetryTags.Pool, pool), new KeyValuePair<string, object?>(TelemetryTags.Priority, priority));
    }

    private IEnumerable<Measurement<double>> BudgetRatios()
    {
        foreach (var b in readings.Budgets()) yield return new Measurement<double>(b.ConsumedRatio, new KeyValuePair<string, object?>(TelemetryTags.Budget, b.Key));
    }

    private static KeyValuePair<string, object?>[] Tags(BackendReading r, string? kind = null) => kind is null
        ? [new(TelemetryTags.Backend, r.Backend), new(TelemetryTags.Pool, r.Pool)]
        : [new(TelemetryTags.Backend, r.Backend), new(TelemetryTags.Pool, r.Pool), new(TelemetryTags.LimitKind, kind)];
}
