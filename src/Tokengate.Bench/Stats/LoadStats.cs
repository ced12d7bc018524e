using System.Diagnostics;

namespace Tokengate.Bench.Stats;

/// <summary>
/// Everything the load generator measures. Request tasks write with interlocked counters and lock-free recorders;
/// the reporting loop alone closes intervals and keeps the run totals.
/// </summary>
internal sealed class LoadStats
{
    private const double Microseconds = 1_000;
    private const double BasisPoints = 100;

    private readonly Distribution _ttft = new(Microseconds);
    private readonly Distribution _tbt = new(Microseconds);
    private readonly Distribution _e2e = new(Microseconds);
    private readonly Distribution _generated = new(1);
    private readonly Distribution _utilization = new(BasisPoints);
    private long _requests;
    private long _inFlight;
    private long _completed;
    private long _failures;
    private long _throttled;
    private long _contextTokens;
    private long _generatedTokens;
    private Totals _totals;

    public long InFlight => Volatile.Read(ref _inFlight);

    public void Started()
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _inFlight);
    }

    /// <summary>Marks a request finished; returns how many are still in flight.</summary>
    public long Finished() => Interlocked.Decrement(ref _inFlight);

    public void Succeeded(int contextTokens, int generatedTokens, long e2eTicks)
    {
        Interlocked.Increment(ref _completed);
        Interlocked.Add(ref _contextTokens, contextTokens);
        Interlocked.Add(ref _generatedTokens, generatedTokens);
        _generated.Record(generatedTokens);
        _e2e.Record(ToMicroseconds(e2eTicks));
    }

    public void FirstToken(long ticks) => _ttft.Record(ToMicroseconds(ticks));

    public void BetweenTokens(long ticks) => _tbt.Record(ToMicroseconds(ticks));

    public void Utilization(double percent) => _utilization.Record((long)Math.Round(percent * BasisPoints));

    public void Throttled() => Interlocked.Increment(ref _throttled);

    public void Failed() => Interlocked.Increment(ref _failures);

    /// <summary>Ends an interval of <paramref name="windowSeconds"/> and returns its record.</summary>
    public LoadReport CloseInterval(DateTimeOffset now, double elapsedSeconds, double windowSeconds, bool warmup)
    {
        var counts = new Totals(
            Interlocked.Exchange(ref _requests, 0), Interlocked.Exchange(ref _completed, 0), Interlocked.Exchange(ref _failures, 0),
            Interlocked.Exchange(ref _throttled, 0), Interlocked.Exchange(ref _contextTokens, 0), Interlocked.Exchange(ref _generatedTokens, 0));
        if (!warmup)
        {
            _totals += counts;
        }

        return Report("interval", now, elapsedSeconds, windowSeconds, warmup, counts,
            _ttft.CloseInterval(warmup), _tbt.CloseInterval(warmup), _e2e.CloseInterval(warmup), _generated.CloseInterval(warmup), _utilization.CloseInterval(warmup));
    }

    /// <summary>The whole run outside warm-up, over the <paramref name="measuredSeconds"/> after it; close the last interval first.</summary>
    public LoadReport Summary(DateTimeOffset now, double elapsedSeconds, double measuredSeconds) =>
        Report("summary", now, elapsedSeconds, measuredSeconds, false, _totals,
            _ttft.Total(), _tbt.Total(), _e2e.Total(), _generated.Total(), _utilization.Total());

    private LoadReport Report(string type, DateTimeOffset now, double elapsed, double window, bool warmup, Totals counts,
        DistributionRecord? ttft, DistributionRecord? tbt, DistributionRecord? e2e, DistributionRecord? generated, DistributionRecord? utilization)
    {
        var perMinute = window > 0 ? 60 / window : 0;
        return new LoadReport
        {
            Type = type,
            Timestamp = now,
            ElapsedS = Math.Round(elapsed, 3),
            WindowS = Math.Round(window, 3),
            Warmup = warmup,
            Requests = counts.Requests,
            SuccessfulRpm = Math.Round(counts.Completed * perMinute, 1),
            InFlight = InFlight,
            Completed = counts.Completed,
            Failures = counts.Failures,
            Throttled = counts.Throttled,
            ContextTpm = Math.Round(counts.ContextTokens * perMinute, 1),
            GeneratedTpm = Math.Round(counts.GeneratedTokens * perMinute, 1),
            TtftMs = ttft,
            TbtMs = tbt,
            E2eMs = e2e,
            GeneratedTokens = generated,
            UtilizationPct = utilization,
        };
    }

    private static long ToMicroseconds(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;

    private readonly record struct Totals(long Requests, long Completed, long Failures, long Throttled, long ContextTokens, long GeneratedTokens)
    {
        public static Totals operator +(Totals a, Totals b) =>
            new(a.Requests + b.Requests, a.Completed + b.Completed, a.Failures + b.Failures, a.Throttled + b.Throttled,
                a.ContextTokens + b.ContextTokens, a.GeneratedTokens + b.GeneratedTokens);
    }
}
