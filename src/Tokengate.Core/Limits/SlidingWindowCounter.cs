namespace Tokengate.Limits;

/// <summary>
/// The counters of one scope: 60 one-second slots of tokens and requests, and requests in flight. Thread-safe
/// without a lock, because every request of one consumer (or group) charges the same counter and a lock would make
/// them queue behind each other on every core: a slot is an object that holds its second, replaced by
/// compare-and-swap when that second leaves the window, and its counts move with <see cref="Interlocked"/>. A
/// charge is added first and checked after (<see cref="InMemoryLimitStore"/>), and taken back when it does not fit, so
/// concurrent requests can never exceed a limit together; at worst one of them is refused while another's charge is
/// being taken back.
/// </summary>
internal sealed class SlidingWindowCounter
{
    public const int WindowSeconds = 60;
    private readonly Slot?[] _slots = new Slot?[WindowSeconds];
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public long Tokens(long nowSecond) => Sum(nowSecond, tokens: true);

    public long Requests(long nowSecond) => Sum(nowSecond, tokens: false);

    /// <summary>One more request in flight, unless that would pass <paramref name="limit"/> (null: no limit).</summary>
    public bool TryEnter(int? limit)
    {
        var now = Interlocked.Increment(ref _inFlight);
        if (limit is not { } max || now <= max) return true;
        Exit();
        return false;
    }

    /// <summary>One request fewer in flight (never below zero).</summary>
    public void Exit()
    {
        var current = Volatile.Read(ref _inFlight);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _inFlight, current - 1, current);
            if (seen == current) return;
            current = seen;
        }
    }

    /// <summary>Adds to the slot of <paramref name="second"/>, starting it afresh when it still holds an older second.</summary>
    public void Add(long second, long tokens, long requests)
    {
        var slot = SlotFor(second);
        if (tokens != 0) Interlocked.Add(ref slot.Tokens, tokens);
        if (requests != 0) Interlocked.Add(ref slot.Requests, requests);
    }

    /// <summary>Adjusts a slot only while it is still in the window (after that it no longer counts anyway).</summary>
    public void Correct(long second, long tokens, long requests, long nowSecond)
    {
        var slot = Volatile.Read(ref _slots[Index(second)]);
        if (slot is null || slot.Second != second || second <= nowSecond - WindowSeconds) return;
        AddNotBelowZero(ref slot.Tokens, tokens);
        AddNotBelowZero(ref slot.Requests, requests);
    }

    /// <summary>
    /// Seconds from <paramref name="nowSecond"/> until enough old slots have left the window for <paramref name="cost"/>
    /// more to fit under <paramref name="limit"/>; null when it cannot fit even in an empty window.
    /// </summary>
    public long? SecondsUntilFits(long nowSecond, long cost, long limit, bool tokens)
    {
        if (cost > limit) return null;
        var used = Sum(nowSecond, tokens);
        for (var age = WindowSeconds - 1; age >= 0; age--)
        {
            var second = nowSecond - age;
            var slot = Volatile.Read(ref _slots[Index(second)]);
            if (slot is null || slot.Second != second) continue;
            used -= tokens ? Volatile.Read(ref slot.Tokens) : Volatile.Read(ref slot.Requests);
            if (used + cost <= limit) return WindowSeconds - age;
        }
        return WindowSeconds;
    }

    private Slot SlotFor(long second)
    {
        ref var cell = ref _slots[Index(second)];
        while (true)
        {
            var slot = Volatile.Read(ref cell);
            if (slot is not null && slot.Second == second) return slot;
            // A slot of a later second is never replaced by an earlier one (a clock that went back): count it there.
            if (slot is not null && slot.Second > second) return slot;
            var fresh = new Slot(second);
            if (Interlocked.CompareExchange(ref cell, fresh, slot) == slot) return fresh;
        }
    }

    private long Sum(long nowSecond, bool tokens)
    {
        long total = 0;
        var oldest = nowSecond - WindowSeconds;
        for (var i = 0; i < WindowSeconds; i++)
        {
            var slot = Volatile.Read(ref _slots[i]);
            if (slot is null || slot.Second <= oldest || slot.Second > nowSecond) continue;
            total += tokens ? Volatile.Read(ref slot.Tokens) : Volatile.Read(ref slot.Requests);
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

    private static int Index(long second) => (int)(((second % WindowSeconds) + WindowSeconds) % WindowSeconds);

    /// <summary>One second's counts; replaced, never reset, so a late add to a second that has left cannot leak into a new one.</summary>
    private sealed class Slot(long second)
    {
        public readonly long Second = second;
        public long Tokens;
        public long Requests;
    }
}
