namespace Tokengate.Micro.Baseline;

using Tokengate.Routing;

/// <summary>
/// Mutable health of one backend. Cooldown, breaker and utilization fields are read and written with interlocked
/// operations only; the quota fields change together, under <see cref="QuotaLock"/> (never held across an await).
/// </summary>
internal sealed class BaselineBackendHealthState
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

    public readonly Lock QuotaLock = new();

    /// <summary>The backend's last rate-limit headers.</summary>
    public BackendQuotaReading QuotaReading;

    /// <summary>When <see cref="QuotaReading"/> arrived; 0 when never.</summary>
    public long QuotaReadAtTicks;

    /// <summary>Estimated tokens and requests sent since <see cref="QuotaReading"/>.</summary>
    public long TokensSentSinceReading;

    public long RequestsSentSinceReading;

    /// <summary>Start of the minute the <c>*ThisMinute</c> counts belong to (a multiple of one minute in ticks).</summary>
    public long MinuteStartTicks;

    public long TokensThisMinute;
    public long RequestsThisMinute;
    public long TokensLastMinute;
    public long RequestsLastMinute;
}
