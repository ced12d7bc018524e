using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tokengate.Telemetry;

/// <summary>
/// <c>GET /admin/metrics/backends</c>, <c>/admin/metrics/consumers</c> and <c>/admin/metrics/budgets</c>: the
/// dashboard's live data (per-10-second series for up to the last hour, from <see cref="MetricsTimeline"/>), for
/// readers and above. Longer periods come from <c>GET /admin/usage?period=hour|day</c> (ledger rollups).
/// </summary>
internal static class MetricsApi
{
    private const int DefaultMinutes = 15;

    public static RouteGroupBuilder MapMetricsApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/metrics/backends", Backends);
        admin.MapGet("/metrics/consumers", Consumers);
        admin.MapGet("/metrics/budgets", (CapacityReadings readings) => Results.Json(new
        {
            budgets = readings.Budgets().Select(b => new
            {
                key = b.Key,
                label = b.Label,
                unit = b.Unit,
                amount = b.Amount,
                spent = b.Spent,
                consumedPercent = Math.Round(b.ConsumedRatio * 100, 2),
                periodStart = b.PeriodStart,
            }),
        }));
        return admin;
    }

    private static IResult Backends(MetricsTimeline timeline, CapacityReadings readings, Priority.WaitQueue queue, int? minutes)
    {
        var times = new List<DateTimeOffset>();
        var series = new Dictionary<string, BackendSeries>(StringComparer.OrdinalIgnoreCase);
        var now = readings.Backends().ToList();
        foreach (var (_, r) in now) series[r.Backend] = new BackendSeries();
        var index = 0;
        timeline.Read(minutes ?? DefaultMinutes, (at, bucket) =>
        {
            times.Add(at);
            foreach (var s in series.Values) s.Grow();
            if (bucket is not null)
            {
                foreach (var (name, slot) in bucket.Backends)
                {
                    if (series.TryGetValue(name, out var s)) s.Set(index, slot);
                }
            }
            index++;
        });
        return Results.Json(new
        {
            bucketSeconds = MetricsTimeline.BucketSeconds,
            times,
            backends = now.Select(p => new
            {
                backend = p.Reading.Backend,
                pool = p.Reading.Pool,
                now = new
                {
                    tokensPerMinute = p.Reading.TokensPerMinute,
                    requestsPerMinute = p.Reading.RequestsPerMinute,
                    limitTokens = p.Reading.LimitTokens,
                    remainingTokens = p.Reading.RemainingTokens,
                    limitRequests = p.Reading.LimitRequests,
                    remainingRequests = p.Reading.RemainingRequests,
                    utilizationPercent = p.Reading.UtilizationPercent,
                    cooling = p.Reading.Cooling,
                    circuit = p.Reading.CircuitState,
                },
                series = series[p.Reading.Backend],
            }),
            // Requests waiting now for capacity of their class or their rate-limit window (tokengate.queue.depth).
            queues = queue.Depths().Select(d => new { pool = d.Pool, priority = d.Priority, depth = d.Depth }),
        });
    }

    private static IResult Consumers(MetricsTimeline timeline, int? minutes, int? top)
    {
        var totals = new Dictionary<string, (string Group, long Requests, long Tokens, decimal Cost, long Rejections)>(StringComparer.OrdinalIgnoreCase);
        timeline.Read(minutes ?? DefaultMinutes, (_, bucket) =>
        {
            if (bucket is null) return;
            foreach (var (name, c) in bucket.Consumers)
            {
                var t = totals.GetValueOrDefault(name, (c.Group, 0, 0, 0m, 0));
                totals[name] = (c.Group, t.Requests + c.Requests, t.Tokens + c.Tokens, t.Cost + c.CostUsd, t.Rejections + c.Rejections);
            }
        });
        return Results.Json(new
        {
            consumers = totals.OrderByDescending(p => p.Value.Tokens).ThenBy(p => p.Key, StringComparer.Ordinal).Take(Math.Clamp(top ?? 10, 1, 100)).Select(p => new
            {
                consumer = p.Key,
                group = p.Value.Group,
                requests = p.Value.Requests,
                tokens = p.Value.Tokens,
                costUsd = p.Value.Cost,
                rejections = p.Value.Rejections,
            }),
        });
    }
}
