namespace Tokengate.Limits;

/// <summary>
/// The counters of one scope: 60 one-second slots of tokens and requests, and requests in flight. Thread-safe
/// without a lock, because every request of one consumer (or group) charges the same counter and a lock would make
/// them queue behind each other on every core. Counts move with <see cref="Interlocked"/>; a slot whose second has
/// left the window is taken (its second swapped for <see cref="Resetting"/>), zeroed and then given its new second,
/// so no count can land in it half-way. A charge is added first and checked after (<see cref="InMemoryLimitStore"/>),
/// and taken back when it does not fit, so concurrent requests can never exceed a limit together; at worst one of
/// them is refused while another's charge is being taken back. The slots are plain arrays, so a window's sum reads a
/// few cache lines rather than sixty objects.
/// </summary>
internal sealed class SlidingWindowCounter
{
    public const int WindowSeconds = 60;

    /// <summary>A slot's second while it is being zeroed for a new second: counted by nobody.</summary>
    private const long Resetting = long.MinValue;

    private readonly long[] _slotSecond = new long[WindowSeconds];
    private readonly long[] _tokens = new long[WindowSeconds];
    private readonly long[] _requests = new long[WindowSeconds];
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public long Tokens(long nowSecond) => Sum(_tokens, nowSecond);

    public long Requests(long nowSecond) => Sum(_requests, nowSecond);

    /// <summary>One more request in flight, unless that would pass <paramref name="limit"/> (null: no limit).</summary>
    public bool TryEnter(int? limit)
    {
        var now = Interlocked.Increment(ref _inFlight);
        if (limit is not { } max || now <= max) return true;
        Exit();
        return false;
    }

    /// <summary>One request fewer in flight (never below zero).</summary>
    public void Exit() => AddNotBelowZero(ref _inFlight, -1);

    /// <summary>Adds to the slot of <paramref name="second"/>, starting it afresh when it still holds an older second.</summary>
    public void Add(long second, long tokens, long requests)
    {
        var i = Index(second);
        Claim(i, second);
        if (tokens != 0) Interlocked.Add(ref _tokens[i], tokens);
        if (requests != 0) Interlocked.Add(ref _requests[i], requests);
    }

    /// <summary>Adjusts a slot only while it is still in the window (after that it no longer counts anyway).</summary>
    public void Correct(long second, long tokens, long requests, long nowSecond)
    {
        var i = Index(second);
        if (Volatile.Read(ref _slotSecond[i]) != second || second <= nowSecond - WindowSeconds) return;
        AddNotBelowZero(ref _tokens[i], tokens);
        AddNotBelowZero(ref _requests[i], requests);
    }

    /// <summary>
    /// Seconds from <paramref name="nowSecond"/> until enough old slots have left the window for <paramref name="cost"/>
    /// more to fit under <paramref name="limit"/>; null when it cannot fit even in an empty window.
    /// </summary>
    public long? SecondsUntilFits(long nowSecond, long cost, long limit, bool tokens)
    {
        if (cost > limit) return null;
        var values = tokens ? _tokens : _requests;
        var used = Sum(values, nowSecond);
        for (var age = WindowSeconds - 1; age >= 0; age--)
        {
            var second = nowSecond - age;
            var i = Index(second);
            if (Volatile.Read(ref _slotSecond[i]) != second) continue;
            used -= Volatile.Read(ref values[i]);
            if (used + cost <= limit) return WindowSeconds - age;
        }
        return WindowSeconds;
    }

    /// <summary>Makes slot <paramref name="i"/> hold <paramref name="second"/>; once per slot and second, one thread zeroes it.</summary>
    private void Claim(int i, long second)
    {
        ref var slotSecond = ref _slotSecond[i];
        var spinner = default(SpinWait);
        while (true)
        {
            var seen = Volatile.Read(ref slotSecond);
            // A slot of a later second is never set back to an earlier one (a clock that went back): count it there.
            if (seen == second || seen > second) return;
            if (seen != Resetting && Interlocked.CompareExchange(ref slotSecond, Resetting, seen) == seen)
            {
                Volatile.Write(ref _tokens[i], 0);
                Volatile.Write(ref _requests[i], 0);
                Volatile.Write(ref slotSecond, second);
                return;
            }
            spinner.SpinOnce();
        }
    }

    private long Sum(long[] values, long nowSecond)
    {
        long total = 0;
        var oldest = nowSecond - WindowSeconds;
        for (var i = 0; i < WindowSeconds; i++)
        {
            var second = Volatile.Read(ref _slotSecond[i]);
            if (second > oldest && second <= nowSecond) total += Volatile.Read(ref values[i]);
        }
        return total;
    }

    private static void AddNotBelowZero(ref long value, long delta)
    {
        if (delta == 0) return;
        var current = Volatile.Read(ref value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref value, Math.Max(0, current + delta), current);
            if (seen == current) return;
            current = seen;
        }
    }

    private static void AddNotBelowZero(ref int value, int delta)
    {
        var current = Volatile.Read(ref value);
        while (current > 0 || delta > 0)
        {
            var seen = Interlocked.CompareExchange(ref value, Math.Max(0, current + delta), current);
            if (seen == current) return;
            current = seen;
        }
    }

    private static int Index(long second) => (int)(((second % WindowSeconds) + WindowSeconds) % WindowSeconds);
}
