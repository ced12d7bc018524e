using Microsoft.Extensions.Options;

namespace Tokengate.Advice;

/// <summary>Hand-made profiles: the share of bounded requests whose completion reached the bound, per consumer and deployment.</summary>
public sealed class TruncationTests
{
    [Fact]
    public void Analyze_ShareAboveThreshold_ListedWithAdvice_OverTheDeploymentsModels()
    {
        // 150 + 50 bounded requests on two models of one deployment, 30 + 10 at the bound: 20%. 20 rows without a bound are not counted.
        var shapes = new[]
        {
            new UsageShape("app", "chat", "gpt-4o", 170, 1_000, 0, 1_000, 1m, BoundedRequests: 150, TruncatedRequests: 30),
            new UsageShape("app", "chat", "gpt-4o-2024-08-06", 50, 1_000, 0, 1_000, 1m, BoundedRequests: 50, TruncatedRequests: 10),
        };

        var t = Assert.Single(Truncation.Analyze(shapes, new AdviceOptions()));

        Assert.Equal(("app", "chat"), (t.Consumer, t.Deployment));
        Assert.Equal(220, t.Requests);
        Assert.Equal(200, t.BoundedRequests);
        Assert.Equal(40, t.TruncatedRequests);
        Assert.Equal(0.2, t.Share);
        Assert.Contains("raise max_tokens (or max_completion_tokens / max_output_tokens) for this consumer", t.Advice, StringComparison.Ordinal);
        Assert.Contains("raise the max-tokens policy cap", t.Advice, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1_000, 100)]   // exactly 10%: not above the threshold
    [InlineData(99, 99)]       // every answer at the bound, but fewer bounded requests than the caching minimum
    public void Analyze_AtThresholdOrTooFewBounded_Absent(long bounded, long truncated) =>
        Assert.Empty(Truncation.Analyze([new UsageShape("app", "chat", "gpt-4o", 5_000, 1, 0, 1, 1m, bounded, truncated)], new AdviceOptions()));

    [Fact]
    public void Analyze_ThresholdIsAnOption()
    {
        var shape = new UsageShape("app", "chat", "gpt-4o", 100, 1, 0, 1, 1m, 100, 6);

        Assert.Empty(Truncation.Analyze([shape], new AdviceOptions()));
        Assert.Single(Truncation.Analyze([shape], new AdviceOptions { TruncationPercent = 5 }));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    [InlineData(double.NaN)]
    public void Validator_TruncationPercentOutOfRange_Fails(double percent)
    {
        var result = new AdviceOptionsValidator().Validate(Options.DefaultName, new AdviceOptions { TruncationPercent = percent });

        Assert.True(result.Failed);
        Assert.Contains("Tokengate:Advice:TruncationPercent", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Render_CarriesTheSectionAndTheNote()
    {
        var since = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var shapes = new[] { new UsageShape("app", "chat", "gpt-4o", 200, 1_000, 0, 1_000, 1m, 200, 50) };

        var report = Advisor.Build([], since, since.AddDays(1), new AdviceOptions(), null, shapes);

        Assert.Single(report.Truncation);
        Assert.Contains(Advisor.TruncationNote, report.Notes);
        var markdown = AdviceRenderer.Render(report, "markdown");
        Assert.Contains("## Truncation", markdown, StringComparison.Ordinal);
        Assert.Contains("| app | chat | 200 | 200 | 50 | 25.0% |", markdown, StringComparison.Ordinal);
        Assert.Contains("Truncation (answers that reached their max_tokens)", AdviceRenderer.Render(report, "table"), StringComparison.Ordinal);
        Assert.Contains("\"truncatedRequests\": 50", AdviceRenderer.Render(report, "json"), StringComparison.Ordinal);
    }
}
