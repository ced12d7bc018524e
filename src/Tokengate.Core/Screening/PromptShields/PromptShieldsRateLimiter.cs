using System.Threading.RateLimiting;

namespace Tokengate.Screening.PromptShields;

/// <summary>
/// The gateway's own budget of Prompt Shields calls: a sliding 10-second window (ten one-second segments) that never
/// queues, replenished from the injected clock rather than a timer so tests are exact; and the pause a 429's
/// <c>Retry-After</c> asks for, during which no call is made at all.
/// </summary>
internal sealed class PromptShieldsRateLimiter : IDisposable
{
    private const int Segments = 10;
    private static readonly TimeSpan Segment = TimeSpan.FromSeconds(1);
    private readonly SlidingWindowRateLimiter _window;
    private readonly TimeProvider _time;
    private readonly int _limit;
    private readonly Lock _gate = new();
    private DateTimeOffset _segmentStart;
    private long _pausedUntilTicks;

    public PromptShieldsRateLimiter(int requestsPer10Seconds, TimeProvider time)
    {
        _time = time;
        _limit = requestsPer10Seconds;
        _segmentStart = time.GetUtcNow();
        _window = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = requestsPer10Seconds,
            Window = Segment * Segments,
            SegmentsPerWindow = Segments,
            QueueLimit = 0,
            AutoReplenishment = false,
        });
    }

    /// <summary>When a 429 asked for a pause: calls are refused until then.</summary>
    public DateTimeOffset PausedUntil => new(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero);

    /// <summary>Null when <paramref name="calls"/> calls may be made now (and are counted), else why not.</summary>
    public string? TryAcquire(int calls)
    {
        if (calls > _limit) return "rate limited";
        var now = _time.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _pausedUntilTicks)) return "rate limited (Retry-After)";
        lock (_gate)
        {
            var elapsed = (now - _segmentStart).Ticks / Segment.Ticks;
            for (var i = 0; i < Math.Min(elapsed, Segments); i++) _window.TryReplenish();
            if (elapsed > 0) _segmentStart += Segment * elapsed;
        }

        using var lease = _window.AttemptAcquire(calls);
        return lease.IsAcquired ? null : "rate limited";
    }

    /// <summary>No calls until <paramref name="until"/> (a later pause already in force stays).</summary>
    public void PauseUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        var current = Interlocked.Read(ref _pausedUntilTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _pausedUntilTicks, ticks, current);
            if (seen == current) return;
            current = seen;
        }
    }

    public void Dispose() => _window.Dispose();
}
