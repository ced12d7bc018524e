using System.Runtime.InteropServices;

namespace Tokengate.Limits;

/// <summary>
/// The counters of one scope: 60 one-second slots of tokens and requests, and requests in flight, striped per core.
/// Every request of one consumer (or group) charges the same counter, so a single set of counts would be written by
/// every core and bounce between them; instead each count has several stripes (<see cref="InMemoryLimitStore"/> picks
/// one per request by processor), each on cache lines of its own, and a limit is checked against the sum over all
/// stripes. A stripe is allocated the first time a request charges it. Counts move with <see cref="Interlocked"/>; a
/// stripe's slot whose second has left the window is taken (its second swapped for <see cref="Resetting"/>), zeroed
/// and then given its new second, so no count can land in it half-way. A charge is added to its stripe first and the
/// total checked after (<see cref="InMemoryLimitStore"/>), and taken back when it does not fit, so concurrent requests
/// can never exceed a limit together; at worst one of them is refused while another's charge is being taken back.
/// Settles and releases correct the stripe the reservation charged.
/// </summary>
internal sealed class SlidingWindowCounter
{
    public const int WindowSeconds = 60;

    /// <summary>A slot's second while it is being zeroed for a new second: counted by nobody.</summary>
    private const long Resetting = long.MinValue;

    /// <summary>Unused slots before and after a stripe's window: 144 bytes, so no other object shares its cache lines.</summary>
    private const int PadSlots = 6;

    private readonly Stripe?[] _stripes;

    /// <param name="stripes">How many stripes each count has: a power of two (1: one set of counts, as unstriped).</param>
    public SlidingWindowCounter(int stripes = 1)
    {
        if (stripes < 1 || (stripes & (stripes - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(stripes), stripes, "A power of two.");
        _stripes = new Stripe?[stripes];
    }

    public int Stripes => _stripes.Length;

    /// <summary>Requests in flight, over all stripes.</summary>
    public int InFlight
    {
        get
        {
            var total = 0;
            foreach (var s in _stripes)
            {
                if (s is not null) total += Volatile.Read(ref s.InFlight.Value);
            }
            return total;
        }
    }

    /// <summary>
    /// Tokens and requests charged to the window ending at <paramref name="nowSecond"/>, over all stripes, in one pass.
    /// A slot of a later second counts too: a thread that read the clock a moment after the caller charged it, and it is
    /// usage in the window (leaving it out let requests across a second's boundary past the limit).
    /// </summary>
    public (long Tokens, long Requests) Totals(long nowSecond)
    {
        long tokens = 0, requests = 0;
        var oldest = nowSecond - WindowSeconds;
        foreach (var s in _stripes)
        {
            if (s is null) continue;
            var slots = s.Slots;
            for (var i = PadSlots; i < PadSlots + WindowSeconds; i++)
            {
                ref var slot = ref slots[i];
                var second = Volatile.Read(ref slot.Second);
                if (second <= oldest) continue;
                tokens += Volatile.Read(ref slot.Tokens);
                requests += Volatile.Read(ref slot.Requests);
            }
        }
        return (tokens, requests);
    }

    /// <summary>
    /// One more request in flight on <paramref name="stripe"/>, unless that would take the total over
    /// <paramref name="limit"/> (null: no limit); then the stripe's count is taken back.
    /// </summary>
    public bool TryEnter(int stripe, int? limit)
    {
        var own = Interlocked.Increment(ref StripeAt(stripe).InFlight.Value);
        if (limit is not { } max) return true;
        if (own <= max && (_stripes.Length == 1 || InFlight <= max)) return true;
        Exit(stripe);
        return false;
    }

    /// <summary>One request fewer in flight on <paramref name="stripe"/> (never below zero).</summary>
    public void Exit(int stripe)
    {
        if (_stripes[stripe & (_stripes.Length - 1)] is { } s) AddNotBelowZero(ref s.InFlight.Value, -1);
    }

    /// <summary>Adds to <paramref name="stripe"/>'s slot of <paramref name="second"/>, starting it afresh when it still holds an older second.</summary>
    public void Add(int stripe, long second, long tokens, long requests)
    {
        ref var slot = ref StripeAt(stripe).Slots[PadSlots + Index(second)];
        Claim(ref slot, second);
        if (tokens != 0) Interlocked.Add(ref slot.Tokens, tokens);
        if (requests != 0) Interlocked.Add(ref slot.Requests, requests);
    }

    /// <summary>Adjusts <paramref name="stripe"/>'s slot only while it is still in the window (after that it no longer counts anyway).</summary>
    public void Correct(int stripe, long second, long tokens, long requests, long nowSecond)
    {
        if (_stripes[stripe & (_stripes.Length - 1)] is not { } s) return;
        ref var slot = ref s.Slots[PadSlots + Index(second)];
        if (Volatile.Read(ref slot.Second) != second || second <= nowSecond - WindowSeconds) return;
        AddNotBelowZero(ref slot.Tokens, tokens);
        AddNotBelowZero(ref slot.Requests, requests);
    }

    /// <summary>
    /// Seconds from <paramref name="nowSecond"/> until enough old slots (summed over the stripes) have left the window
    /// for <paramref name="cost"/> more to fit under <paramref name="limit"/>; null when it cannot fit even in an empty
    /// window. Only called on a refusal.
    /// </summary>
    public long? SecondsUntilFits(long nowSecond, long cost, long limit, bool tokens)
    {
        if (cost > limit) return null;
        var (usedTokens, usedRequests) = Totals(nowSecond);
        var used = tokens ? usedTokens : usedRequests;
        for (var age = WindowSeconds - 1; age >= 0; age--)
        {
            var second = nowSecond - age;
            var i = PadSlots + Index(second);
            foreach (var s in _stripes)
            {
                if (s is null) continue;
                ref var slot = ref s.Slots[i];
                if (Volatile.Read(ref slot.Second) != second) continue;
                used -= Volatile.Read(ref tokens ? ref slot.Tokens : ref slot.Requests);
            }
            if (used + cost <= limit) return WindowSeconds - age;
        }
        return WindowSeconds;
    }

    private Stripe StripeAt(int stripe)
    {
        ref var s = ref _stripes[stripe & (_stripes.Length - 1)];
        return s ?? Create(ref s);

        static Stripe Create(ref Stripe? s)
        {
            Interlocked.CompareExchange(ref s, new Stripe(), null);
            return s!;
        }
    }

    /// <summary>Makes <paramref name="slot"/> hold <paramref name="second"/>; once per slot and second, one thread zeroes it.</summary>
    private static void Claim(ref Slot slot, long second)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            var seen = Volatile.Read(ref slot.Second);
            // A slot of a later second is never set back to an earlier one (a clock that went back): count it there.
            if (seen == second || seen > second) return;
            if (seen != Resetting && Interlocked.CompareExchange(ref slot.Second, Resetting, seen) == seen)
            {
                Volatile.Write(ref slot.Tokens, 0);
                Volatile.Write(ref slot.Requests, 0);
                Volatile.Write(ref slot.Second, second);
                return;
            }
            spinner.SpinOnce();
        }
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

    /// <summary>One stripe's counts: its window of slots (padded at both ends) and its requests in flight (padded).</summary>
    private sealed class Stripe
    {
        public readonly Slot[] Slots = new Slot[PadSlots + WindowSeconds + PadSlots];
        public PaddedCount InFlight;
    }

    /// <summary>One second of one stripe: the second it holds and what was charged to it, read together when summed.</summary>
    private struct Slot
    {
        public long Second;
        public long Tokens;
        public long Requests;
    }

    /// <summary>A count with 64 bytes on either side, so that the line it sits on holds nothing else.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 132)]
    private struct PaddedCount
    {
        [FieldOffset(64)] public int Value;
    }
}
