namespace Tokengate.Screening;

/// <summary>
/// Makes one result of a policy's detector verdicts, as they come in: says when the result can no longer change (so
/// the step stops waiting for the rest) and what it is.
/// </summary>
/// <remarks>
/// <c>Any</c>: the first attack decides; with none, the request is clean. <c>All</c>: the first clean answer decides;
/// otherwise an attack when every detector that answered found one (at least one must have). <c>First</c>: the first
/// answer decides. A detector that did not answer is left out under <c>Open</c>; under <c>Closed</c> a result that
/// could have gone otherwise with its answer is not established.
/// </remarks>
internal static class VerdictCombiner
{
    /// <summary>
    /// The combined result of <paramref name="seen"/> (in arrival order) while <paramref name="outstanding"/> detectors
    /// have not answered yet: <c>Decided</c> false while more verdicts could change it.
    /// </summary>
    public static (bool Decided, AttackKind Attack, DetectorVerdict? By, bool Established) Combine(
        ScreeningCombine rule, DetectorFailureMode failure, IReadOnlyList<DetectorVerdict> seen, int outstanding)
    {
        var closed = failure == DetectorFailureMode.Closed;
        var anyFailed = false;
        var answered = 0;
        DetectorVerdict? firstAnswer = null, strongestAttack = null;
        foreach (var verdict in seen)
        {
            if (!verdict.Answered)
            {
                anyFailed = true;
                continue;
            }
            answered++;
            firstAnswer ??= verdict;
            if (verdict.AttackDetected && (strongestAttack is null || Worse(verdict, strongestAttack))) strongestAttack = verdict;
        }

        switch (rule)
        {
            case ScreeningCombine.First:
                if (firstAnswer is not null) return (true, firstAnswer.Attack, firstAnswer, true);
                if (outstanding > 0) return (false, AttackKind.None, null, true);
                return (true, AttackKind.None, null, !(closed && anyFailed));

            case ScreeningCombine.All:
                foreach (var verdict in seen)
                {
                    if (verdict.Answered && !verdict.AttackDetected) return (true, AttackKind.None, verdict, true);
                }
                if (outstanding > 0) return (false, AttackKind.None, null, true);
                if (closed && anyFailed) return (true, AttackKind.None, null, false);
                return answered == 0 ? (true, AttackKind.None, null, true) : (true, strongestAttack!.Attack, strongestAttack, true);

            default:
                if (strongestAttack is not null) return (true, strongestAttack.Attack, strongestAttack, true);
                if (outstanding > 0) return (false, AttackKind.None, null, true);
                return (true, AttackKind.None, null, !(closed && anyFailed));
        }
    }

    // A jailbreak in the user's own words outranks an indirect attack; then the higher score.
    private static bool Worse(DetectorVerdict a, DetectorVerdict b) =>
        (a.Attack == AttackKind.Jailbreak && b.Attack != AttackKind.Jailbreak) || (a.Attack == b.Attack && a.Score > b.Score);
}
