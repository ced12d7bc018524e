namespace Tokengate.Assessment;

/// <summary>What one rule found about one part of the configuration.</summary>
/// <param name="Status">Pass, warn, fail or not applicable.</param>
/// <param name="Summary">One line, e.g. "no pay-as-you-go overflow behind provisioned pool gpt-4o".</param>
/// <param name="Evidence">The setting's path and value (never a secret's value).</param>
/// <param name="Fix">The change that would make it pass; null when it passes.</param>
internal sealed record AssessmentFinding(AssessmentStatus Status, string Summary, string Evidence, string? Fix = null)
{
    internal static AssessmentFinding Pass(string summary, string evidence) => new(AssessmentStatus.Pass, summary, evidence);

    internal static AssessmentFinding Warn(string summary, string evidence, string fix) => new(AssessmentStatus.Warn, summary, evidence, fix);

    internal static AssessmentFinding Fail(string summary, string evidence, string fix) => new(AssessmentStatus.Fail, summary, evidence, fix);

    internal static AssessmentFinding NotApplicable(string summary, string evidence) => new(AssessmentStatus.NotApplicable, summary, evidence);
}
