namespace Tokengate.Assessment;

/// <summary>Every checklist item of the guidance, assessed or listed as not checked.</summary>
/// <param name="Source">What was assessed (a file, <c>tokengate up</c>'s configuration, ...).</param>
/// <param name="Items">Every item, in the guidance's order.</param>
internal sealed record AssessmentReport(string Source, IReadOnlyList<ItemAssessment> Items)
{
    /// <summary>Whether any item fails: <c>tokengate assess</c> then exits 1.</summary>
    public bool HasFailures => Items.Any(i => i.Status == AssessmentStatus.Fail);

    /// <summary>How many checked items have each status.</summary>
    public int Count(AssessmentStatus status) => Items.Count(i => i.Checked && i.Status == status);

    /// <summary>How many items are not checked.</summary>
    public int NotCheckedCount => Items.Count(i => !i.Checked);
}
