using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tokengate.Telemetry;

namespace Tokengate.Realtime;

/// <summary>
/// Realtime sessions on the gateway's meter: how many are open, and how each ended. Their tokens, cost and latency
/// come from the ledger rows each response writes, like every request's.
/// </summary>
internal sealed class RealtimeMetrics
{
    private readonly UpDownCounter<long> _open;
    private readonly Counter<long> _ended;

    public RealtimeMetrics(GatewayMetrics metrics)
    {
        _open = metrics.Meter.CreateUpDownCounter<long>("tokengate.realtime.sessions", "{session}", "Realtime sessions open now, by pool.");
        _ended = metrics.Meter.CreateCounter<long>("tokengate.realtime.session.ends", "{session}",
            "Realtime sessions ended, by reason (closed, upstream_closed, upstream_lost, client_gone, budget, revoked, shutdown, event_too_large).");
    }

    public void Opened(string pool) => _open.Add(1, new TagList { { TelemetryTags.Pool, pool } });

    public void Ended(string pool, string reason)
    {
        var tags = new TagList { { TelemetryTags.Pool, pool } };
        _open.Add(-1, tags);
        tags.Add("tokengate.reason", reason);
        _ended.Add(1, tags);
    }
}
