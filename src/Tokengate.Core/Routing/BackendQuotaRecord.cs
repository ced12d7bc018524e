namespace Tokengate.Routing;

/// <summary>
/// The stored quota facts of one backend: its last rate-limit headers, when they came, and what the gateway sent it
/// since. Plain numbers and a timestamp, so any health store can keep them; <see cref="ProjectAt"/> turns them into
/// the quota the backend most likely has left now.
/// </summary>
internal readonly record struct BackendQuotaRecord(BackendQuotaReading Reading, DateTimeOffset ReadAt, long TokensSentSince, long RequestsSentSince)
{
    /// <summary>Azure's token counter is a sliding minute: a reading is fully refreshed after it.</summary>
    public static readonly TimeSpan TokenWindow = TimeSpan.FromMinutes(1);

    /// <summary>Azure's request budget is per 10 seconds (about RPM / 6, protocol reference §6.1).</summary>
    public static readonly TimeSpan RequestWindow = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What is left at <paramref name="now"/>: the reading's usage (limit − remaining) plus what the gateway sent since
    /// decays linearly to zero over the window, as a sliding window drains when traffic was spread over it. Without a
    /// limit the remaining value is only trusted, undecayed, for one window.
    /// </summary>
    public BackendQuota ProjectAt(DateTimeOffset now)
    {
        var age = now - ReadAt;
        return new BackendQuota(
            Remaining(Reading.LimitTokens, Reading.RemainingTokens, TokensSentSince, age, TokenWindow),
            Reading.LimitTokens,
            Remaining(Reading.LimitRequests, Reading.RemainingRequests, RequestsSentSince, age, RequestWindow),
            Reading.LimitRequests);
    }

    private static long? Remaining(long? limit, long? remaining, long sentSince, TimeSpan age, TimeSpan window)
    {
        if (remaining is not { } left) return null;
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        if (limit is not { } max) return age < window ? Math.Max(0, left - sentSince) : null;
        if (age >= window) return max;
        var used = Math.Max(0, max - left) + sentSince;
        var stillUsed = (long)Math.Ceiling(used * (1 - (age / window)));
        return Math.Clamp(max - stillUsed, 0, max);
    }
}
