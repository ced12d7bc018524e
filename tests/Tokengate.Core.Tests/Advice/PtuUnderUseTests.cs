namespace Tokengate.Advice;

/// <summary>
/// A provisioned backend of 20 gpt-4o PTU (50,000 weighted tokens a minute) bought on a monthly reservation ($260 per
/// PTU) and used fully from 00:00 to 11:59 UTC, not at all from 12:00 to 23:59, for 30 days.
/// </summary>
public sealed class PtuUnderUseTests
{
    private static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly PtuModelOptions Gpt4o = PtuThroughput.For("gpt-4o", new AdviceOptions())!;

    /// <summary>50,000 prompt tokens ($0.125) in each minute of the first 12 hours of each day.</summary>
    internal static List<MinuteUsage> HalfIdle() =>
        Enumerable.Range(0, 30 * 24 * 60).Select(i => Start.AddMinutes(i)).Where(t => t.Hour < 12)
            .Select(t => new MinuteUsage(t, 50_000, 0, 0, 0.125m)).ToList();

    [Fact]
    public void Analyze_PtuHalfIdle_ReportsHalfTheMonthlyPriceIdle_AndTheAfternoonHours()
    {
        var advice = PtuUnderUse.Analyze("ptu-east", "gpt-4o", HalfIdle(), Start, Start.AddDays(30), 20, Gpt4o, new AdviceOptions());

        Assert.Equal(50_000, advice.CapacityTokensPerMinute);
        Assert.Equal(0.5, advice.Utilization);
        Assert.Equal(1_080_000_000, advice.IdleTokens);               // 50,000 × 720 idle minutes a day × 30 days
        Assert.Equal(5_200.00m, advice.PtuMonthlyUsd);                 // 20 × $260
        Assert.Equal(2_600.00m, advice.IdleMonthlyUsd);                // half of it
        Assert.Equal(Enumerable.Range(12, 12), advice.IdleHours);
        Assert.All(advice.ByHourOfDay, b => Assert.Equal(int.Parse(b.Bucket, System.Globalization.CultureInfo.InvariantCulture) < 12 ? 1.0 : 0.0, b.Utilization));
        Assert.All(advice.ByDayOfWeek, b => Assert.Equal(0.5, b.Utilization));
        Assert.Contains("$2,600.00", advice.Suggestion, StringComparison.Ordinal);
        Assert.Contains("12–23", advice.Suggestion, StringComparison.Ordinal);
        Assert.Contains("batch", advice.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_MinutesAboveCapacity_CountOnlyTheCapacity()
    {
        var minutes = new[] { new MinuteUsage(Start, 80_000, 0, 0, 0.2m), new MinuteUsage(Start.AddMinutes(1), 0, 0, 0, 0m) };

        var advice = PtuUnderUse.Analyze("ptu", "gpt-4o", minutes, Start, Start.AddMinutes(2), 20, Gpt4o, new AdviceOptions { ProvisionedBilling = PtuBilling.YearlyReservation });

        Assert.Equal(0.5, advice.Utilization);                         // 50,000 of 100,000 offered; the 30,000 above spilled
        Assert.Equal(50_000, advice.IdleTokens);
        Assert.Equal(4_420.00m, advice.PtuMonthlyUsd);                 // 20 × $221
        Assert.Equal(2_210.00m, advice.IdleMonthlyUsd);
    }
}
