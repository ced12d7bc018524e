using System.Diagnostics.Metrics;
using Tokengate.Telemetry;

namespace Tokengate.Accounting;

/// <summary>The accounting instruments, on the gateway's one meter (<see cref="GatewayMetrics.Meter"/>).</summary>
internal sealed class AccountingMetrics
{
    public AccountingMetrics(GatewayMetrics metrics)
    {
        var meter = metrics.Meter;
        LedgerQueueFull = meter.CreateCounter<long>("tokengate.ledger.queue_full", description: "Usage records that had to wait for room in the ledger queue (back-pressure).");
        LedgerWritten = meter.CreateCounter<long>("tokengate.ledger.written", description: "Usage records written to the ledger.");
        LedgerFailed = meter.CreateCounter<long>("tokengate.ledger.failed", description: "Usage records the ledger could not write.");
    }

    public Counter<long> LedgerQueueFull { get; }

    public Counter<long> LedgerWritten { get; }

    public Counter<long> LedgerFailed { get; }
}
