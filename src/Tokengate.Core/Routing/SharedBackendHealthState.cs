namespace Tokengate.Routing;

/// <summary>
/// What the fleet reported about one backend through Redis: until when it cools and until when its circuit is open
/// (UTC ticks; 0 = not known). Only ever raised, with interlocked operations; the hot path reads it without locks.
/// </summary>
internal sealed class SharedBackendHealthState
{
    public long CoolingUntilTicks;
    public long CircuitOpenUntilTicks;

    public bool Blocks(long nowTicks) => nowTicks < Interlocked.Read(ref CoolingUntilTicks) || nowTicks < Interlocked.Read(ref CircuitOpenUntilTicks);

    /// <summary>Raises both times; true when either moved (the news was new to this instance).</summary>
    public bool Raise(long coolingUntilTicks, long circuitOpenUntilTicks) =>
        Raise(ref CoolingUntilTicks, coolingUntilTicks) | Raise(ref CircuitOpenUntilTicks, circuitOpenUntilTicks);

    private static bool Raise(ref long field, long value)
    {
        var current = Interlocked.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current) return true;
            current = seen;
        }
        return false;
    }
}
