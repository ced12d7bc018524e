using HdrHistogram;

namespace Tokengate.Bench.Stats;

/// <summary>
/// A distribution recorded from any thread without locks (HdrHistogram's <see cref="Recorder"/> swaps its
/// histogram under a writer-reader phaser) and read once per interval by the reporting loop, which alone keeps the
/// run total.
/// </summary>
internal sealed class Distribution(double unit)
{
    /// <summary>Largest value kept: an hour in microseconds, far above any token count or utilization in basis points.</summary>
    public const long Highest = 3_600_000_000;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(Highest)
        .WithPrecisionOf(3).WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly HistogramBase _total = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(Highest).WithPrecisionOf(3).Create();
    private HistogramBase? _interval;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;
    private long _totalMin = long.MaxValue;
    private long _totalMax = long.MinValue;

    public void Record(long value)
    {
        value = Math.Clamp(value, 0, Highest);
        _recorder.RecordValue(value);
        var min = Volatile.Read(ref _min);
        while (value < min && Interlocked.CompareExchange(ref _min, value, min) is var seen && seen != min)
        {
            min = seen;
        }

        var max = Volatile.Read(ref _max);
        while (value > max && Interlocked.CompareExchange(ref _max, value, max) is var seen && seen != max)
        {
            max = seen;
        }
    }

    /// <summary>Ends the current interval: its record, added to the run total unless <paramref name="warmup"/>.</summary>
    public DistributionRecord? CloseInterval(bool warmup)
    {
        _interval = _recorder.GetIntervalHistogram(_interval);
        var min = Interlocked.Exchange(ref _min, long.MaxValue);
        var max = Interlocked.Exchange(ref _max, long.MinValue);
        if (_interval.TotalCount == 0)
        {
            return null;
        }

        // A value recorded during the swap can land in one interval's histogram and the next one's min and max;
        // then the histogram's own bounds stand in.
        if (min > max)
        {
            min = _interval.LowestEquivalentValue(_interval.GetValueAtPercentile(0));
            max = _interval.GetMaxValue();
        }

        if (!warmup)
        {
            _total.Add(_interval);
            _totalMin = Math.Min(_totalMin, min);
            _totalMax = Math.Max(_totalMax, max);
        }

        return DistributionRecord.From(_interval, min, max, unit);
    }

    /// <summary>The record of every interval closed outside warm-up.</summary>
    public DistributionRecord? Total() => DistributionRecord.From(_total, _totalMin, _totalMax, unit);
}
