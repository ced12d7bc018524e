namespace Tokengate.Simulator.Limits;

/// <summary>
/// Amounts charged within the last <c>length</c> of time. An entry charged at t counts until t + length exactly, which
/// is what the announced retry delay is computed from. Not thread-safe; the owning limiter locks.
/// </summary>
internal sealed class SlidingWindow(TimeSpan length)
{
    private readonly Queue<(long At, long Amount)> _entries = new();
    private long _sum;

    public long Used(long nowTicks)
    {
        Evict(nowTicks);
        return _sum;
    }

    /// <summary>Time until <paramref name="amount"/> more fits under <paramref name="limit"/>; zero when it fits now.</summary>
    public TimeSpan TimeUntilFits(long nowTicks, long amount, long limit)
    {
        Evict(nowTicks);
        var excess = _sum + amount - limit;
        if (excess <= 0)
        {
            return TimeSpan.Zero;
        }

        long freed = 0;
        foreach (var entry in _entries)
        {
            freed += entry.Amount;
            if (freed >= excess)
            {
                return TimeSpan.FromTicks(entry.At + length.Ticks - nowTicks);
            }
        }

        // Larger than the whole limit: it never fits, so announce a full window rather than zero.
        return length;
    }

    public void Add(long nowTicks, long amount)
    {
        _entries.Enqueue((nowTicks, amount));
        _sum += amount;
    }

    public void Clear()
    {
        _entries.Clear();
        _sum = 0;
    }

    private void Evict(long nowTicks)
    {
        while (_entries.TryPeek(out var entry) && entry.At + length.Ticks <= nowTicks)
        {
            _entries.Dequeue();
            _sum -= entry.Amount;
        }
    }
}
