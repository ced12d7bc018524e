using Tokengate.Configuration;

namespace Tokengate.Advice;

/// <summary>
/// Hand-made profiles over exactly one month (43,800 minutes), so monthly figures equal the period's. Built-in prices:
/// gpt-4o $2.50 in / $10 out, gpt-4o-mini $0.15 / $0.60 per million tokens.
/// </summary>
public sealed class ModelChoiceTests
{
    private const long Month = 730 * 60;

    /// <summary>1,000 requests of 10,000 prompt and 2,000 completion tokens on gpt-4o: $25 + $20 = $45.</summary>
    private static readonly UsageShape Big = new("app", "big", "gpt-4o-2024-08-06", 1_000, 10_000_000, 0, 2_000_000, 45.00m);

    [Fact]
    public void Analyze_Gpt4oWithSimilarMiniDeployment_ListsSavingAndEvidence()
    {
        // 100 requests averaging 12,000 prompt (+20%) and 1,500 completion (−25%) tokens on gpt-4o-mini.
        var small = new UsageShape("other", "small", "gpt-4o-mini-2024-07-18", 100, 1_200_000, 0, 150_000, 0.27m);

        var advice = Assert.Single(ModelChoice.Analyze([Big, small], Month, new AdviceOptions(), new AccountingOptions()));

        Assert.Equal(("app", "big", "gpt-4o-mini"), (advice.Consumer, advice.Deployment, advice.CheaperModel));
        Assert.Equal((10_000, 2_000), (advice.MeanPromptTokens, advice.MeanCompletionTokens));
        Assert.Equal(45.00m, advice.MonthlyUsd);
        Assert.Equal(2.70m, advice.CheaperMonthlyUsd);              // 10M × $0.15 + 2M × $0.60
        Assert.Equal(42.30m, advice.SavingMonthlyUsd);
        Assert.Equal("small", advice.SimilarDeployment);
        Assert.Contains("Evidence: deployment small", advice.Advice, StringComparison.Ordinal);
        Assert.Contains("Quality is not measured: try the cheaper model on a sample before switching", advice.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_MiniServesMuchLargerPrompts_NoEvidence()
    {
        var larger = new UsageShape("other", "small", "gpt-4o-mini", 100, 1_600_000, 0, 200_000, 0.36m);   // mean prompt 16,000: +60%

        var advice = Assert.Single(ModelChoice.Analyze([Big, larger], Month, new AdviceOptions(), new AccountingOptions()));

        Assert.Null(advice.SimilarDeployment);
        Assert.Contains("No deployment serves requests of similar size", advice.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_SavingAtOrBelowThreshold_NotListed()
    {
        // $4.50 on gpt-4o, $0.27 on gpt-4o-mini: saves $4.23 a month, under the default $10.
        var little = new UsageShape("app", "big", "gpt-4o", 100, 1_000_000, 0, 200_000, 4.50m);

        Assert.Empty(ModelChoice.Analyze([little], Month, new AdviceOptions(), new AccountingOptions()));
        Assert.Single(ModelChoice.Analyze([little], Month, new AdviceOptions { MinimumModelSavingUsd = 4 }, new AccountingOptions()));
    }

    [Fact]
    public void Analyze_CheaperModelWithoutPrice_Skipped()
    {
        // gpt-5 → gpt-5-mini by default, but gpt-5-mini has no built-in price.
        var five = new UsageShape("app", "five", "gpt-5", 1_000, 10_000_000, 0, 2_000_000, 45.00m);

        Assert.Empty(ModelChoice.Analyze([five], Month, new AdviceOptions(), new AccountingOptions()));
    }

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("gpt-4.1", "gpt-4.1")]
    [InlineData("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini")]
    [InlineData("gpt-4.1-nano", "gpt-4.1-nano")]
    [InlineData("text-embedding-3-small", null)]
    public void Family_LongestNameInTheMap(string model, string? family) =>
        Assert.Equal(family, ModelChoice.Family(model, new AdviceOptions()));

    [Fact]
    public void Analyze_Gpt41Mini_OffersNano()
    {
        // 10M prompt + 2M completion: gpt-4.1-mini $4 + $3.20 = $7.20 (ledger says $7.20), gpt-4.1-nano $1 + $0.80 = $1.80.
        var mini = new UsageShape("app", "m", "gpt-4.1-mini", 1_000, 10_000_000, 0, 2_000_000, 7.20m);

        var advice = Assert.Single(ModelChoice.Analyze([mini], Month, new AdviceOptions { MinimumModelSavingUsd = 5 }, new AccountingOptions()));

        Assert.Equal("gpt-4.1-nano", advice.CheaperModel);
        Assert.Equal(1.80m, advice.CheaperMonthlyUsd);
        Assert.Equal(5.40m, advice.SavingMonthlyUsd);
    }
}
