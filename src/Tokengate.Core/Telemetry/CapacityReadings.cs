using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Routing;

namespace Tokengate.Telemetry;

/// <summary>
/// Reads every backend's and budget's position now, from the health state, the reported rate-limit headers and the
/// timeline. One source for the gauges, the dashboard's API and the capacity alerts, so they always agree.
/// </summary>
internal sealed class CapacityReadings(
    GatewayConfiguration configuration, IBackendHealth health, BackendQuotaBook quotas, MetricsTimeline timeline, IBudgetStore budgets, TimeProvider time)
{
    public IEnumerable<(Pool Pool, BackendReading Reading)> Backends()
    {
        var now = time.GetUtcNow();
        foreach (var pool in configuration.Current.Pools)
        {
            foreach (var backend in pool.Backends) yield return (pool, Read(backend, pool, now));
        }
    }

    public IEnumerable<BudgetReading> Budgets()
    {
        foreach (var b in budgets.Describe())
        {
            yield return new BudgetReading(b.Key, b.Label, b.Options.Unit == BudgetUnit.Usd ? "usd" : "tokens", b.Options.Amount, b.Spent, b.PeriodStart);
        }
    }

    private BackendReading Read(Backend backend, Pool pool, DateTimeOffset now)
    {
        var h = health.Describe(backend);
        var q = quotas.Find(backend.Name);
        var (tokens, requests) = timeline.LastMinute(backend.Name);
        long? Value(ref long field) => q is null || Interlocked.Read(ref field) < 0 ? null : Interlocked.Read(ref field);
        long? limitTokens = null, remainingTokens = null, limitRequests = null, remainingRequests = null;
        if (q is not null)
        {
            limitTokens = Value(ref q.LimitTokens);
            remainingTokens = Value(ref q.RemainingTokens);
            limitRequests = Value(ref q.LimitRequests);
            remainingRequests = Value(ref q.RemainingRequests);
        }
        // Provisioned backends report utilization; for standard ones it is the share of the token limit in use.
        var utilization = h.UtilizationPercent ?? (q?.RemainingTokensPercent is { } remaining ? 100 - remaining : null);
        var circuit = h.CircuitOpenUntil is not { } openUntil ? "closed" : openUntil > now ? "open" : "half_open";
        return new BackendReading(backend.Name, pool.Name, tokens, requests, limitTokens, remainingTokens, limitRequests, remainingRequests,
            utilization, h.CoolingUntil is not null, circuit);
    }
}
