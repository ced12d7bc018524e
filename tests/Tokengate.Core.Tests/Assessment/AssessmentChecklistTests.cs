
namespace Tokengate.Assessment;

public sealed class AssessmentChecklistTests
{
    // The guidance (ms.date 02/20/2024): per pillar, its design-checklist bullets, recommendations and Azure Policy examples.
    [Theory]
    [InlineData(nameof(AssessmentPillar.Reliability), "checklist", 6)]
    [InlineData(nameof(AssessmentPillar.Reliability), "recommendation", 2)]
    [InlineData(nameof(AssessmentPillar.Security), "checklist", 5)]
    [InlineData(nameof(AssessmentPillar.Security), "recommendation", 7)]
    [InlineData(nameof(AssessmentPillar.Security), "policy", 5)]
    [InlineData(nameof(AssessmentPillar.CostOptimization), "checklist", 8)]
    [InlineData(nameof(AssessmentPillar.CostOptimization), "recommendation", 4)]
    [InlineData(nameof(AssessmentPillar.OperationalExcellence), "checklist", 4)]
    [InlineData(nameof(AssessmentPillar.OperationalExcellence), "recommendation", 0)]
    [InlineData(nameof(AssessmentPillar.PerformanceEfficiency), "checklist", 11)]
    [InlineData(nameof(AssessmentPillar.PerformanceEfficiency), "recommendation", 0)]
    public void Items_PerPillarAndKind_MatchTheGuidance(string pillar, string kind, int count) =>
        Assert.Equal(count, AssessmentChecklist.Items.Count(i => i.Pillar.ToString() == pillar && i.Kind == kind));

    [Fact]
    public void Items_EachHasRulesOrAReason_AndUniqueIds()
    {
        Assert.Equal(52, AssessmentChecklist.Items.Count);
        Assert.Equal(AssessmentChecklist.Items.Count, AssessmentChecklist.Items.Select(i => i.Id).Distinct().Count());
        foreach (var item in AssessmentChecklist.Items)
        {
            Assert.True(item.Rules.Count > 0 ^ !string.IsNullOrWhiteSpace(item.NotChecked), item.Id);
            Assert.False(string.IsNullOrWhiteSpace(item.Quote), item.Id);
            Assert.All(item.Rules, r => Assert.True(AssessmentChecklist.Rules.ContainsKey(r), $"{item.Id}: unknown rule {r}"));
        }
    }

    [Fact]
    public void Rules_EachIsUsedByAnItem()
    {
        var used = AssessmentChecklist.Items.SelectMany(i => i.Rules).ToHashSet();
        Assert.All(AssessmentChecklist.Rules.Keys, r => Assert.Contains(r, used));
    }

    [Fact]
    public void Run_DefaultConfiguration_ListsEveryItem()
    {
        var report = Assessor.Run(AssessmentInput.For(AssessmentRulesTests.Minimal()), "test");
        Assert.Equal(AssessmentChecklist.Items.Select(i => i.Id), report.Items.Select(i => i.Item.Id));
        Assert.All(report.Items.Where(i => i.Checked), i => Assert.NotEmpty(i.Findings));
        Assert.All(report.Items.SelectMany(i => i.Findings).Where(f => f.Status is AssessmentStatus.Warn or AssessmentStatus.Fail), f => Assert.False(string.IsNullOrWhiteSpace(f.Fix)));
    }
}
