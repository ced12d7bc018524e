namespace Tokengate.Routing;

/// <summary>
/// What the fleet reported about one backend through Redis: until when it cools, how much of that a 429 asked for,
/// and until when its circuit is open (UTC ticks; 0 = not known). Only ever raised, with interlocked operations; the hot path reads it without locks.
/// </summary>
internal sealed class SharedBackendHealthState
{
    public long CoolingUntilTicks;
    public long ThrottledUntilTicks;
    public long CircuitOpenUntilTicks;

    public bool Blocks(long nowTicks) => nowTicks < Interlocked.Read(ref CoolingUntilTicks) || nowTicks < Interlocked.Read(ref CircuitOpenUntilTicks);

    /// <summary>Raises the three times; true when any moved (the news was new to this instance).</summary>
    public bool Raise(long coolingUntilTicks, long throttledUntilTicks, long circuitOpenUntilTicks) =>
        Raise(ref CoolingUntilTicks, coolingUntilTicks) | Raise(ref ThrottledUntilTicks, throttledUntilTicks) | Raise(ref CircuitOpenUntilTicks, circuitOpenUntilTicks);

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
