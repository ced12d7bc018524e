namespace Tokengate.Assessment;

/// <summary>
/// One design-checklist item, recommendation or Azure Policy example of the Azure OpenAI Well-Architected guidance,
/// as listed in <c>checklist.json</c>.
/// </summary>
/// <param name="Id">Stable id, e.g. <c>rel-c3</c> (pillar, c = checklist / r = recommendation / p = policy, position).</param>
/// <param name="Pillar">The pillar the guidance lists it under.</param>
/// <param name="Kind"><c>checklist</c>, <c>recommendation</c> or <c>policy</c>.</param>
/// <param name="Title">A short title.</param>
/// <param name="Section">Where in the guidance: the pillar's heading and sub-heading.</param>
/// <param name="Quote">The guidance's own words, a few of them, to find the item in the text.</param>
/// <param name="Rules">The named rules that evaluate it; empty when it is not checked.</param>
/// <param name="NotChecked">Why it is not checked, when <paramref name="Rules"/> is empty.</param>
internal sealed record ChecklistItem(
    string Id, AssessmentPillar Pillar, string Kind, string Title, string Section, string Quote, IReadOnlyList<string> Rules, string? NotChecked);
