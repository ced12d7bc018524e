using System.Diagnostics.Metrics;
using Tokengate.Telemetry;

namespace Tokengate.Accounting;

/// <summary>The accounting instruments, on the gateway's one meter (<see cref="GatewayMetrics.Meter"/>).</summary>
internal sealed class AccountingMetrics
{
    public AccountingMetrics(GatewayMetrics metrics, LedgerSpool spool)
    {
        var meter = metrics.Meter;
        LedgerQueueFull = meter.CreateCounter<long>("tokengate.ledger.queue_full", description: "Usage records that had to wait for room in the ledger queue (back-pressure).");
        LedgerWritten = meter.CreateCounter<long>("tokengate.ledger.written", description: "Usage records written to the ledger.");
        LedgerFailed = meter.CreateCounter<long>("tokengate.ledger.failed", description: "Usage records lost: neither the database nor the spool file took them.");
        LedgerSpooled = meter.CreateCounter<long>("tokengate.ledger.spooled", description: "Usage records the database did not take, spooled to the data folder for replay.");
        LedgerPurged = meter.CreateCounter<long>("tokengate.ledger.purged", description: "Usage records deleted from the ledger because they were older than the retention.");
        meter.CreateObservableGauge("tokengate.ledger.spool_pending", () => spool.Pending, description: "Usage records waiting in the spool file for the database.");
    }

    public Counter<long> LedgerQueueFull { get; }

    public Counter<long> LedgerWritten { get; }

    public Counter<long> LedgerFailed { get; }

    public Counter<long> LedgerSpooled { get; }

    public Counter<long> LedgerPurged { get; }
}
