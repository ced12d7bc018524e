using Tokengate.Bench.Stats;

namespace Tokengate.IntegrationTests.Bench;

/// <summary>Percentiles from HdrHistogram, per interval and over the run, never below the values recorded under them.</summary>
public sealed class DistributionTests
{
    [Fact]
    public void CloseInterval_OneToThousandMs_GivesPercentilesWithinPrecisionAndExactBounds()
    {
        var distribution = new Distribution(1_000);
        for (var ms = 1; ms <= 1_000; ms++)
        {
            distribution.Record(ms * 1_000L);
        }

        var record = distribution.CloseInterval(warmup: false)!;

        Assert.Equal(1_000, record.Count);
        Assert.Equal(1.0, record.Min);
        Assert.Equal(1_000.0, record.Max);
        Assert.InRange(record.P50, 500, 500 * 1.001);
        Assert.InRange(record.P95, 950, 950 * 1.001);
        Assert.InRange(record.P99, 990, 990 * 1.001);
        Assert.InRange(record.Avg, 500.5 * 0.999, 500.5 * 1.001);
    }

    [Fact]
    public void Total_AddsIntervalsButNotWarmup()
    {
        var distribution = new Distribution(1);
        distribution.Record(1_000_000);
        Assert.NotNull(distribution.CloseInterval(warmup: true));
        for (var v = 1; v <= 50; v++)
        {
            distribution.Record(v);
        }

        var first = distribution.CloseInterval(warmup: false)!;
        for (var v = 51; v <= 100; v++)
        {
            distribution.Record(v);
        }

        var second = distribution.CloseInterval(warmup: false)!;
        var total = distribution.Total()!;

        Assert.Equal((25.0, 50.0), (first.P50, first.Max));
        Assert.Equal((51.0, 75.0), (second.Min, second.P50));
        Assert.Equal(100, total.Count);
        Assert.Equal((1.0, 100.0), (total.Min, total.Max));
        Assert.Equal((50.0, 95.0, 99.0, 50.5), (total.P50, total.P95, total.P99, total.Avg));
    }

    [Fact]
    public void CloseInterval_NothingRecorded_IsNull()
    {
        var distribution = new Distribution(1);
        Assert.Null(distribution.CloseInterval(warmup: false));
        Assert.Null(distribution.Total());
    }
}
