using System.Diagnostics.Metrics;

namespace Tokengate.Accounting;

/// <summary>The accounting instruments, on the gateway's <c>Tokengate</c> meter.</summary>
internal sealed class AccountingMetrics : IDisposable
{
    public const string MeterName = "Tokengate";
    private readonly Meter _meter;

    public AccountingMetrics(IMeterFactory meters, LedgerSpool spool)
    {
        _meter = meters.Create(MeterName);
        LedgerQueueFull = _meter.CreateCounter<long>("tokengate.ledger.queue_full", description: "Usage records that had to wait for room in the ledger queue (back-pressure).");
        LedgerWritten = _meter.CreateCounter<long>("tokengate.ledger.written", description: "Usage records written to the ledger.");
        LedgerFailed = _meter.CreateCounter<long>("tokengate.ledger.failed", description: "Usage records lost: neither the database nor the spool file took them.");
        LedgerSpooled = _meter.CreateCounter<long>("tokengate.ledger.spooled", description: "Usage records the database did not take, spooled to the data folder for replay.");
        _meter.CreateObservableGauge("tokengate.ledger.spool_pending", () => spool.Pending, description: "Usage records waiting in the spool file for the database.");
    }

    public Counter<long> LedgerQueueFull { get; }

    public Counter<long> LedgerWritten { get; }

    public Counter<long> LedgerFailed { get; }

    public Counter<long> LedgerSpooled { get; }

    public void Dispose() => _meter.Dispose();
}
