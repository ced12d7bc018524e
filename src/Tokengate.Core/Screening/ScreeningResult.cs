namespace Tokengate.Screening;

/// <summary>
/// What screening one request came to: the policy it ran under, every verdict collected (in the order they came;
/// detectors still running when the result was settled are not among them), the combined attack and the verdict that
/// decided it, and whether a result could be established at all (false only under <c>OnDetectorFailure: Closed</c>).
/// Never holds the screened text.
/// </summary>
internal sealed record ScreeningResult(ScreeningPolicy Policy, IReadOnlyList<DetectorVerdict> Verdicts, AttackKind Attack, DetectorVerdict? DecidedBy, bool Established)
{
    public bool AttackDetected => Attack != AttackKind.None;

    /// <summary>Detectors that did not answer.</summary>
    public int Failed
    {
        get
        {
            var failed = 0;
            foreach (var verdict in Verdicts) if (!verdict.Answered) failed++;
            return failed;
        }
    }

    /// <summary>Detectors ran and none of them answered: no verdict, even where the policy fails open.</summary>
    public bool NobodyAnswered
    {
        get
        {
            foreach (var verdict in Verdicts) if (verdict.Answered) return false;
            return Verdicts.Count > 0;
        }
    }

    /// <summary>Nothing to screen (no user text, no untrusted content): no detector ran.</summary>
    public static ScreeningResult Nothing(ScreeningPolicy policy) => new(policy, [], AttackKind.None, null, true);
}
