namespace Tokengate.Screening;

/// <summary>One detector's answer about one request.</summary>
/// <param name="Detector">The detector's name.</param>
/// <param name="Answered">False when the detector could not judge (it was down, too slow, or failed); see <paramref name="Error"/>.</param>
/// <param name="Attack">What it found: nothing, a jailbreak in the user prompt, or an indirect attack in a document (a jailbreak wins when both are found).</param>
/// <param name="Score">The detector's confidence that the worst piece is an attack, 0 to 1 (1 or 0 for detectors that only say yes or no).</param>
/// <param name="Elapsed">How long the detector took.</param>
/// <param name="Error">Why it did not answer, for logs and metrics (never the screened text).</param>
internal sealed record DetectorVerdict(string Detector, bool Answered, AttackKind Attack, double Score, TimeSpan Elapsed, string? Error = null)
{
    public bool AttackDetected => Answered && Attack != AttackKind.None;

    public static DetectorVerdict Failed(string detector, TimeSpan elapsed, string error) => new(detector, false, AttackKind.None, 0, elapsed, error);
}
