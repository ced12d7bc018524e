namespace Tokengate.Assessment;

/// <summary>One checklist item with its rules' findings; <see cref="Status"/> is the worst of them.</summary>
/// <param name="Item">The checklist item.</param>
/// <param name="Status">The worst finding's status; <see cref="AssessmentStatus.NotApplicable"/> for an item not checked.</param>
/// <param name="Findings">The findings of the item's rules, in rule order.</param>
internal sealed record ItemAssessment(ChecklistItem Item, AssessmentStatus Status, IReadOnlyList<AssessmentFinding> Findings)
{
    /// <summary>Whether a rule evaluated this item (false: it is listed with the reason it is not checked).</summary>
    public bool Checked => Item.Rules.Count > 0;
}
