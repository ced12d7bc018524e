namespace Tokengate.Advice;

/// <summary>
/// PAYG versus PTU on synthetic 30-day months (43,200 minutes) of gpt-4o at the default figures: 2,500 input tokens per
/// minute per PTU, output ×4, minimum 15, increment 5; $1/PTU-hour, $260 monthly and $221 yearly reservation per PTU;
/// $2.50 input and $10 output per million tokens. Every expected figure is worked by hand in the comments.
/// </summary>
public sealed class PtuSizingTests
{
    private const long Month = 43_200;
    private static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly PtuModelOptions Gpt4o = PtuThroughput.For("gpt-4o-2024-11-20", new AdviceOptions())!;

    /// <summary>Every minute 100,000 prompt and 10,000 completion tokens: $0.25 + $0.10 = $0.35 a minute.</summary>
    internal static List<MinuteUsage> Steady() =>
        Enumerable.Range(0, (int)Month).Select(i => new MinuteUsage(Start.AddMinutes(i), 100_000, 0, 10_000, 0.35m)).ToList();

    /// <summary>The first minute of each hour 200,000 prompt tokens ($0.50), nothing otherwise: 720 busy minutes.</summary>
    internal static List<MinuteUsage> Spiky() =>
        Enumerable.Range(0, 720).Select(h => new MinuteUsage(Start.AddHours(h), 200_000, 0, 0, 0.50m)).ToList();

    [Fact]
    public void Size_SteadyHighLoad_RecommendsSixtyPtuOnAYearlyReservation()
    {
        var advice = PtuSizing.Size("steady", "gpt-4o", Steady(), Month, Gpt4o, new AdviceOptions());

        // Weighted minute: 100,000 + 4 × 10,000 = 140,000; / 2,500 = 56 PTU, rounded up to the increment of 5: 60.
        Assert.Equal(140_000, advice.PercentileMinuteTokens);
        Assert.Equal(60, advice.RequiredPtus);
        Assert.Equal(150_000, advice.CapacityTokensPerMinute);
        Assert.Equal(0.9333, advice.AverageUtilization);            // 140,000 / 150,000
        Assert.Equal(15_330.00m, advice.PaygMonthlyUsd);             // $0.35 × 43,800 minutes
        // 60 × $1 × 730 h; 60 × $260; 60 × $221; nothing spills (140,000 ≤ 150,000).
        Assert.Equal([43_800.00m, 15_600.00m, 13_260.00m], advice.Options.Select(o => o.TotalMonthlyUsd));
        Assert.All(advice.Options, o => Assert.Equal(0m, o.SpilloverMonthlyUsd));
        Assert.Equal(PtuBilling.YearlyReservation, advice.BestBilling);
        Assert.Equal(2_070.00m, advice.SavingMonthlyUsd);             // 15,330 − 13,260
        Assert.Equal(13.50, advice.SavingPercent);                   // 2,070 / 15,330
        // A month of the capacity at PAYG: 150,000 × 43,800 × ($0.35 / 140,000) = $16,425; 13,260 / 16,425 = 80.73%.
        Assert.Equal(0.8073, advice.Options[2].BreakEvenUtilization);
        Assert.Equal(0.9498, advice.Options[1].BreakEvenUtilization); // 15,600 / 16,425
        Assert.Equal(PtuRecommendation.Ptu, advice.Recommendation);
        Assert.Contains("$2,070.00", advice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_SpikyLowLoad_StaysPayg()
    {
        var advice = PtuSizing.Size("spiky", "gpt-4o", Spiky(), Month, Gpt4o, new AdviceOptions());

        // 42,480 idle minutes lie below the p95 rank (41,040): the p95 minute is 0, so the minimum of 15 PTU.
        Assert.Equal(0, advice.PercentileMinuteTokens);
        Assert.Equal(200_000, advice.PeakMinuteTokens);
        Assert.Equal(15, advice.RequiredPtus);
        Assert.Equal(37_500, advice.CapacityTokensPerMinute);
        Assert.Equal(365.00m, advice.PaygMonthlyUsd);                // 720 × $0.50 = $360 over 43,200 minutes; × 43,800 / 43,200
        // Each spike spills (200,000 − 37,500) / 200,000 = 81.25% of $0.50 = $0.40625; × 720 = $292.50; monthly $296.5625.
        Assert.Equal(296.56m, advice.Options[0].SpilloverMonthlyUsd);
        Assert.Equal([11_246.56m, 4_196.56m, 3_611.56m], advice.Options.Select(o => o.TotalMonthlyUsd));   // 10,950 / 3,900 / 3,315 + 296.56
        Assert.Equal(-3_246.56m, advice.SavingMonthlyUsd);
        Assert.Equal(0.0167, advice.AverageUtilization);             // 37,500 carried in 1 minute of 60
        Assert.Equal(1.67, advice.SpilloverMinutesPercent);
        Assert.Equal(0.8073, advice.Options[2].BreakEvenUtilization); // 3,315 / (37,500 × 43,800 × $0.0000025) = 3,315 / 4,106.25
        Assert.Equal(PtuRecommendation.Payg, advice.Recommendation);
        Assert.Contains("stay on PAYG", advice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_SavingBelowTheMinimumShare_StaysPayg()
    {
        var advice = PtuSizing.Size("steady", "gpt-4o", Steady(), Month, Gpt4o, new AdviceOptions { MinimumSavingPercent = 20 });

        Assert.Equal(13.50, advice.SavingPercent);
        Assert.Equal(PtuRecommendation.Payg, advice.Recommendation);
    }

    [Fact]
    public void Size_CachedTokens_CountByTheirWeight()
    {
        // 100,000 prompt of which 60,000 cached, weight 0: 40,000 weighted; 16 PTU → 20 with the increment.
        var minutes = new[] { new MinuteUsage(Start, 100_000, 60_000, 0, 0.1m) };

        var advice = PtuSizing.Size("cached", "gpt-4o", minutes, 1, Gpt4o, new AdviceOptions());

        Assert.Equal(40_000, advice.PercentileMinuteTokens);
        Assert.Equal(20, advice.RequiredPtus);
    }

    [Theory]
    [InlineData(0, 15)]
    [InlineData(37_500, 15)]
    [InlineData(140_000, 60)]
    [InlineData(140_001, 60)]
    [InlineData(150_001, 65)]
    public void RequiredPtus_Tokens_RoundedUpToTheIncrementAboveTheMinimum(double tokens, int expected) =>
        Assert.Equal(expected, PtuSizing.RequiredPtus(tokens, Gpt4o));

    [Theory]
    [InlineData(95, 100, 95)]
    [InlineData(100, 100, 100)]
    [InlineData(50, 100, 50)]
    [InlineData(95, 200, 90)]     // rank 190; the 100 idle minutes are the lowest, so the 90th busy minute
    [InlineData(95, 1_000, 50)]   // rank 950 of which 900 idle
    [InlineData(95, 3_000, 0)]    // rank 2,850 falls among the 2,900 idle minutes
    public void Percentile_NearestRank_IdleMinutesCountAsZero(double percentile, long periodMinutes, double expected)
    {
        var busy = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList();

        Assert.Equal(expected, PtuSizing.Percentile(busy, periodMinutes, percentile));
    }
}
