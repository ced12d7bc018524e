using HdrHistogram;

namespace Tokengate.Bench.Stats;

/// <summary>
/// Summary of one distribution over an interval or a whole run. Percentiles are HdrHistogram's (3 significant
/// digits), reported as the highest value of their bucket and kept within the exact <see cref="Min"/> and
/// <see cref="Max"/>, so a reported figure is never below any value that was actually recorded under it.
/// </summary>
internal sealed record DistributionRecord(double Avg, double P50, double P95, double P99, double Min, double Max, long Count)
{
    /// <summary>The record of <paramref name="histogram"/>, or null when it is empty; values are divided by <paramref name="unit"/>.</summary>
    public static DistributionRecord? From(HistogramBase histogram, long min, long max, double unit)
    {
        var count = histogram.TotalCount;
        if (count == 0)
        {
            return null;
        }

        return new DistributionRecord(
            Math.Round(Math.Clamp(histogram.GetMean(), min, max) / unit, 3),
            At(50), At(95), At(99), Math.Round(min / unit, 3), Math.Round(max / unit, 3), count);

        double At(double percentile) =>
            Math.Round(Math.Clamp(histogram.HighestEquivalentValue(histogram.GetValueAtPercentile(percentile)), min, max) / unit, 3);
    }
}
