using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tokengate.Telemetry;

namespace Tokengate.Affinity;

/// <summary>The affinity instruments, on the gateway's one meter (<see cref="GatewayMetrics.Meter"/>).</summary>
internal sealed class AffinityMetrics
{
    public const string Hit = "hit";
    public const string Miss = "miss";
    public const string Expired = "expired";
    public const string Redis = "redis";
    public const string Database = "database";

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _errors;

    public AffinityMetrics(GatewayMetrics metrics)
    {
        var meter = metrics.Meter;
        _lookups = meter.CreateCounter<long>("tokengate.affinity.lookups", "{lookup}",
            "Affinity lookups by tokengate.affinity.result: hit, miss (unknown or removed id) or expired.");
        _errors = meter.CreateCounter<long>("tokengate.affinity.errors", "{error}",
            "Affinity store calls to Redis or the database (tokengate.affinity.store) that failed or timed out and were served by the other copy.");
        Evictions = meter.CreateCounter<long>("tokengate.affinity.evictions", "{record}",
            "Unexpired affinity records dropped from memory because Tokengate:Affinity:MaxRecords was reached.");
        DurableDropped = meter.CreateCounter<long>("tokengate.affinity.durable_dropped", "{change}",
            "Affinity changes that never reached the database's durable copy (its queue was full, or the instance stopped while the database was away); Redis still has them.");
    }

    public Counter<long> Evictions { get; }

    public Counter<long> DurableDropped { get; }

    public void Lookup(string result) => _lookups.Add(1, new TagList { { "tokengate.affinity.result", result } });

    public void Error(string store) => _errors.Add(1, new TagList { { "tokengate.affinity.store", store } });
}
