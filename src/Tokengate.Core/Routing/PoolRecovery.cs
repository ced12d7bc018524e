namespace Tokengate.Routing;

/// <summary>When the first backend of a pool takes requests again, and whether what it waits for is throttling.</summary>
/// <param name="At">Now, when a backend can take a request.</param>
/// <param name="Throttled">
/// True when that first backend rests because it answered 429 (the consumer hears 429); false when it rests after
/// failures (the consumer hears 503).
/// </param>
internal readonly record struct PoolRecovery(DateTimeOffset At, bool Throttled)
{
    /// <summary>
    /// The earliest recovery over the pool's backends that take live requests, from their health records (a Global or
    /// Data Zone Batch deployment never rests, and never takes the request either).
    /// </summary>
    public static PoolRecovery Earliest(Pool pool, Func<Backend, BackendHealthRecord> describe, DateTimeOffset now) =>
        Earliest(pool.Backends.Where(b => !b.IsBatchDeployment), describe, now);

    /// <summary>The earliest recovery over <paramref name="backends"/>.</summary>
    public static PoolRecovery Earliest(IEnumerable<Backend> backends, Func<Backend, BackendHealthRecord> describe, DateTimeOffset now)
    {
        var earliest = new PoolRecovery(DateTimeOffset.MaxValue, false);
        foreach (var backend in backends)
        {
            var h = describe(backend);
            var at = Later(now, Later(h.CoolingUntil ?? now, h.CircuitOpenUntil ?? now));
            var throttled = at > now && h.ThrottledUntil >= at;
            if (at < earliest.At || (at == earliest.At && throttled)) earliest = new PoolRecovery(at, throttled);
        }
        return earliest.At == DateTimeOffset.MaxValue ? new PoolRecovery(now, false) : earliest;
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
