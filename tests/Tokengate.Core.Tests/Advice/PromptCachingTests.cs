using Tokengate.Configuration;

namespace Tokengate.Advice;

/// <summary>Hand-made profiles over one month (43,800 minutes); gpt-4o input $2.50, cached input $1.25 per million tokens.</summary>
public sealed class PromptCachingTests
{
    private const long Month = 730 * 60;

    [Fact]
    public void Analyze_LargePromptsLowHitRate_AdvisesStablePrefixWithMoneyAtStake()
    {
        // 200 requests of 10,000 prompt tokens, 10% cached: 1.8M uncached × ($2.50 − $1.25) = $2.25.
        var rag = new UsageShape("app", "rag", "gpt-4o", 200, 2_000_000, 200_000, 0, 4.75m);

        var advice = Assert.Single(PromptCaching.Analyze([rag], Month, new AdviceOptions(), new AccountingOptions()));

        Assert.True(advice.Low);
        Assert.Equal(0.1, advice.HitRate);
        Assert.Equal(10_000, advice.MeanPromptTokens);
        Assert.Equal(2.25m, advice.AtStakeMonthlyUsd);
        Assert.Contains("stable part of the prompt first", advice.Advice, StringComparison.Ordinal);
        Assert.Contains("$2.25/month", advice.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FewerThanMinimumRequests_Absent() =>
        Assert.Empty(PromptCaching.Analyze([new UsageShape("app", "rag", "gpt-4o", 99, 990_000, 0, 0, 2.475m)], Month, new AdviceOptions(), new AccountingOptions()));

    [Theory]
    [InlineData(500, 0)]           // prompts under the 1,024-token caching minimum
    [InlineData(10_000, 2_000)]    // 20% hit rate: not below 20%
    public void Analyze_SmallPromptsOrGoodHitRate_ReportedNotLow(long meanPrompt, long meanCached)
    {
        var shape = new UsageShape("app", "d", "gpt-4o", 100, meanPrompt * 100, meanCached * 100, 0, 1m);

        var advice = Assert.Single(PromptCaching.Analyze([shape], Month, new AdviceOptions(), new AccountingOptions()));

        Assert.False(advice.Low);
    }

    [Fact]
    public void Build_Render_AllFormatsCarryTheNewSectionsAndNotes()
    {
        var since = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var shapes = new[] { new UsageShape("app", "rag", "gpt-4o", 200, 2_000_000, 200_000, 0, 4.75m), new UsageShape("app", "big", "gpt-4o", 1_000, 10_000_000, 0, 2_000_000, 45.00m) };
        var report = Advisor.Build([], since, since.AddMinutes(Month), new AdviceOptions(), null, shapes);

        Assert.Equal(2, report.Caching.Count);
        Assert.Single(report.Models);
        Assert.Contains(Advisor.TruncationNote, report.Notes);
        var markdown = AdviceRenderer.Render(report, "markdown");
        Assert.Contains("## Right model for the task", markdown, StringComparison.Ordinal);
        Assert.Contains("## Prompt caching", markdown, StringComparison.Ordinal);
        Assert.Contains("| app | big | gpt-4o | 1,000 | 10,000 | 2,000 | 45.00 | gpt-4o-mini | 2.70 | 42.30 | - |", markdown, StringComparison.Ordinal);
        Assert.Contains("| app | rag | gpt-4o | 200 | 10,000 | 10.0% | 2.25 | yes |", markdown, StringComparison.Ordinal);
        Assert.Contains("## Truncation", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be computed", markdown, StringComparison.Ordinal);
        var table = AdviceRenderer.Render(report, "table");
        Assert.Contains("quality is not measured: try the cheaper model on a sample before switching", table, StringComparison.Ordinal);
        Assert.Contains("sizes only", table, StringComparison.Ordinal);
        Assert.Contains("\"hitRate\": 0.1", AdviceRenderer.Render(report, "json"), StringComparison.Ordinal);
    }
}
