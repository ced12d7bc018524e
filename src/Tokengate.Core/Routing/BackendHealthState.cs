namespace Tokengate.Routing;

/// <summary>
/// Mutable health of one backend. Every field is read and written without a lock (interlocked operations, a sequence
/// number for the quota reading, per-minute counts replaced by compare-and-swap): every request to a backend updates
/// it, so a lock here made requests on all cores queue behind each other.
/// </summary>
internal sealed class BackendHealthState
{
    /// <summary>When the backend takes requests again after its last rest (429, timeout, connection failure, ...).</summary>
    public long CoolingUntilTicks;

    /// <summary>The part of the rest that a 429 asked for: the consumer is told 429 rather than 503 while it lasts.</summary>
    public long ThrottledUntilTicks;

    /// <summary>Verdicts of recent attempts, for the breaker's failure ratio.</summary>
    public readonly AttemptWindow Window = new();

    /// <summary>0 when the circuit is closed; otherwise when it stops being open (then half-open).</summary>
    public long CircuitOpenUntilTicks;

    /// <summary>1 while a half-open probe request is out.</summary>
    public int ProbeInFlight;

    /// <summary>Utilization percent × 100, as an integer so it can be read and written atomically.</summary>
    public long UtilizationBasisPoints = -1;

    public long UtilizationAtTicks;

    /// <summary>
    /// Even while the quota reading below is whole, odd while one is being written: readers retry on a change (a
    /// sequence lock), so neither the request path nor the selection policy takes a lock for it.
    /// </summary>
    public int QuotaVersion;

    /// <summary>The backend's last rate-limit headers.</summary>
    public BackendQuotaReading QuotaReading;

    /// <summary>When <see cref="QuotaReading"/> arrived; 0 when never.</summary>
    public long QuotaReadAtTicks;

    /// <summary><see cref="TokensSent"/> and <see cref="RequestsSent"/> when <see cref="QuotaReading"/> arrived.</summary>
    public long TokensSentAtReading;

    public long RequestsSentAtReading;

    /// <summary>Estimated tokens and requests ever sent (only ever added to): what was sent since a reading is the difference.</summary>
    public long TokensSent;

    public long RequestsSent;

    /// <summary>The gateway's own count for the current minute (and, through it, the minute before).</summary>
    public MinuteCounts? Minute;
}
