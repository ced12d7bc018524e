namespace Tokengate.Routing;

/// <summary>Mutable health of one backend. Fields are read and written with interlocked operations only.</summary>
internal sealed class BackendHealthState
{
    public long CoolingUntilTicks;
    public int ConsecutiveFailures;

    /// <summary>0 when the circuit is closed; otherwise when it stops being open (then half-open).</summary>
    public long CircuitOpenUntilTicks;

    /// <summary>1 while a half-open probe request is out.</summary>
    public int ProbeInFlight;

    /// <summary>Utilization percent × 100, as an integer so it can be read and written atomically.</summary>
    public long UtilizationBasisPoints = -1;

    public long UtilizationAtTicks;
}
