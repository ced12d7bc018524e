namespace Tokengate.Screening.PromptShields;

/// <summary>
/// The gateway's own budget of Prompt Shields calls: a sliding 10-second window that never queues (a screen that
/// does not fit is refused at once), and the pause a 429's <c>Retry-After</c> asks for, during which no call is made.
/// </summary>
/// <remarks>
/// Hand-rolled on <see cref="TimeProvider"/> rather than <c>System.Threading.RateLimiting.SlidingWindowRateLimiter</c>:
/// that limiter's replenishment, even when driven by hand (<c>AutoReplenishment = false</c>), is gated on the real
/// stopwatch, so neither its window nor its tests could follow the injected clock.
/// </remarks>
internal sealed class PromptShieldsRateLimiter(int requestsPer10Seconds, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly Queue<(long At, int Calls)> _granted = new();
    private int _inWindow;
    private long _pausedUntilTicks;

    /// <summary>Null when <paramref name="calls"/> calls may be made now (and are counted), else why not.</summary>
    public string? TryAcquire(int calls)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (now < Interlocked.Read(ref _pausedUntilTicks)) return "rate limited (Retry-After)";
        lock (_gate)
        {
            while (_granted.TryPeek(out var oldest) && oldest.At + Window.Ticks <= now)
            {
                _granted.Dequeue();
                _inWindow -= oldest.Calls;
            }

            if (_inWindow + calls > requestsPer10Seconds) return "rate limited";
            _granted.Enqueue((now, calls));
            _inWindow += calls;
            return null;
        }
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
}
