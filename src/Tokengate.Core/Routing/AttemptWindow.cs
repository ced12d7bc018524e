namespace Tokengate.Routing;

/// <summary>
/// One backend's attempt verdicts over the breaker's sampling window, in ten buckets that roll with time (the
/// sampling that Polly's advanced circuit breaker uses). Counting is lock-free; only starting a new bucket takes a
/// lock, once per bucket length, so the hot path's one increment does not contend.
/// </summary>
internal sealed class AttemptWindow
{
    private const int BucketCount = 10;
    private readonly Bucket[] _buckets = new Bucket[BucketCount];
    private readonly Lock _roll = new();

    public void RecordSuccess(long nowTicks, TimeSpan window) => Interlocked.Increment(ref Current(nowTicks, window).Successes);

    public void RecordFailure(long nowTicks, TimeSpan window) => Interlocked.Increment(ref Current(nowTicks, window).Failures);

    public void RecordDisputed(long nowTicks, TimeSpan window) => Interlocked.Increment(ref Current(nowTicks, window).Disputed);

    /// <summary>The verdicts inside the window that ends at <paramref name="nowTicks"/>.</summary>
    public AttemptCounts Totals(long nowTicks, TimeSpan window)
    {
        var size = BucketTicks(window);
        var oldest = nowTicks - (nowTicks % size) - ((BucketCount - 1) * size);
        var counts = default(AttemptCounts);
        for (var i = 0; i < BucketCount; i++)
        {
            ref var b = ref _buckets[i];
            var start = Volatile.Read(ref b.Start);
            if (start < oldest || start > nowTicks) continue;
            counts = new AttemptCounts(
                counts.Successes + Volatile.Read(ref b.Successes),
                counts.Failures + Volatile.Read(ref b.Failures),
                counts.Disputed + Volatile.Read(ref b.Disputed));
        }
        return counts;
    }

    /// <summary>Forgets every sample: a circuit that closes after a good probe starts from a clean window.</summary>
    public void Clear()
    {
        lock (_roll)
        {
            for (var i = 0; i < BucketCount; i++)
            {
                ref var b = ref _buckets[i];
                b.Successes = 0;
                b.Failures = 0;
                b.Disputed = 0;
                Volatile.Write(ref b.Start, 0);
            }
        }
    }

    private ref Bucket Current(long nowTicks, TimeSpan window)
    {
        var size = BucketTicks(window);
        var start = nowTicks - (nowTicks % size);
        ref var b = ref _buckets[(int)(nowTicks / size % BucketCount)];
        if (Volatile.Read(ref b.Start) != start)
        {
            lock (_roll)
            {
                if (b.Start != start)
                {
                    b.Successes = 0;
                    b.Failures = 0;
                    b.Disputed = 0;
                    Volatile.Write(ref b.Start, start);
                }
            }
        }
        return ref b;
    }

    private static long BucketTicks(TimeSpan window) => Math.Max(1, window.Ticks / BucketCount);

    private struct Bucket
    {
        public long Start;
        public int Successes;
        public int Failures;
        public int Disputed;
    }
}
