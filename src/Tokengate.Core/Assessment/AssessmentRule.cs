namespace Tokengate.Assessment;

/// <summary>A named check over the configuration; <c>checklist.json</c> names the rules each item uses.</summary>
/// <param name="Name">The rule's name, e.g. <c>ptu-payg-overflow</c>.</param>
/// <param name="Description">What it looks at, for the report and the documentation.</param>
/// <param name="Evaluate">The check: at least one finding.</param>
internal sealed record AssessmentRule(string Name, string Description, Func<AssessmentInput, IReadOnlyList<AssessmentFinding>> Evaluate);
