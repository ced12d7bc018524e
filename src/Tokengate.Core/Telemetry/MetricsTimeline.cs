using Tokengate.Accounting;

namespace Tokengate.Telemetry;

/// <summary>
/// In-memory ring of per-10-second aggregates per backend and per consumer for the last hour: what the dashboard's
/// live charts and the per-minute gauges read. Longer periods come from the ledger's rollups. Writers are the
/// ledger's background consumer and the rare throttle / spillover events, so one short lock is enough.
/// </summary>
internal sealed class MetricsTimeline(TimeProvider time)
{
    public const int BucketSeconds = 10;
    public const int Buckets = 360;
    private readonly TimelineBucket[] _ring = CreateRing();
    private readonly Lock _lock = new();

    public static long EpochOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / BucketSeconds;

    public void Record(UsageRecord r)
    {
        lock (_lock)
        {
            var bucket = Bucket(EpochOf(r.At));
            if (bucket is null) return;
            var c = Consumer(bucket, r.Consumer, r.Group);
            c.Requests++;
            c.Tokens += r.PromptTokens + r.CompletionTokens;
            c.CostUsd += r.CostUsd;
            if (r.Rejected) c.Rejections++;
            if (r.Backend is null) return;
            var b = Backend(bucket, r.Backend, r.Pool ?? r.Deployment);
            b.Requests++;
            b.InputTokens += r.PromptTokens;
            b.OutputTokens += r.CompletionTokens;
            if (r.Status >= 500) b.Failures++;
            if (r.Status < 400)
            {
                b.LatencySumMs += r.LatencyMs;
                b.LatencyCount++;
                if (r.Stream && r.TimeToFirstTokenMs is { } ttft)
                {
                    b.TtftSumMs += ttft;
                    b.TtftCount++;
                }
            }
        }
    }

    /// <summary>A backend answered 429 (<paramref name="throttled"/>) or took a request as spillover.</summary>
    public void RecordEvent(string backend, string pool, bool throttled)
    {
        lock (_lock)
        {
            var bucket = Bucket(EpochOf(time.GetUtcNow()));
            if (bucket is null) return;
            var b = Backend(bucket, backend, pool);
            if (throttled) b.Throttled++;
            else b.Spillovers++;
        }
    }

    /// <summary>Tokens and requests a backend served in the last minute (the six latest buckets).</summary>
    public (long Tokens, long Requests) LastMinute(string backend)
    {
        var now = EpochOf(time.GetUtcNow());
        long tokens = 0, requests = 0;
        lock (_lock)
        {
            for (var e = now - 5; e <= now; e++)
            {
                var bucket = _ring[Index(e)];
                if (bucket.Epoch != e || !bucket.Backends.TryGetValue(backend, out var b)) continue;
                tokens += b.InputTokens + b.OutputTokens;
                requests += b.Requests;
            }
        }
        return (tokens, requests);
    }

    /// <summary>Visits every bucket from <paramref name="minutes"/> ago to now, oldest first, under the lock.</summary>
    public void Read(int minutes, Action<DateTimeOffset, TimelineBucket?> visit)
    {
        var now = EpochOf(time.GetUtcNow());
        var count = Math.Clamp(minutes * 60 / BucketSeconds, 1, Buckets);
        lock (_lock)
        {
            for (var e = now - count + 1; e <= now; e++)
            {
                var bucket = _ring[Index(e)];
                visit(DateTimeOffset.FromUnixTimeSeconds(e * BucketSeconds), bucket.Epoch == e ? bucket : null);
            }
        }
    }

    private TimelineBucket? Bucket(long epoch)
    {
        var now = EpochOf(time.GetUtcNow());
        if (epoch <= now - Buckets || epoch > now + 1) return null; // older than the ring, or from a skewed clock
        var bucket = _ring[Index(epoch)];
        if (bucket.Epoch != epoch)
        {
            if (bucket.Epoch > epoch) return null;
            bucket.Reset(epoch);
        }
        return bucket;
    }

    private static BackendSlot Backend(TimelineBucket bucket, string backend, string pool)
    {
        if (!bucket.Backends.TryGetValue(backend, out var slot)) bucket.Backends[backend] = slot = new BackendSlot { Pool = pool };
        return slot;
    }

    private static ConsumerSlot Consumer(TimelineBucket bucket, string consumer, string? group)
    {
        if (!bucket.Consumers.TryGetValue(consumer, out var slot)) bucket.Consumers[consumer] = slot = new ConsumerSlot { Group = group ?? "" };
        return slot;
    }

    private static int Index(long epoch) => (int)(((epoch % Buckets) + Buckets) % Buckets);

    private static TimelineBucket[] CreateRing()
    {
        var ring = new TimelineBucket[Buckets];
        for (var i = 0; i < ring.Length; i++) ring[i] = new TimelineBucket();
        return ring;
    }
}
