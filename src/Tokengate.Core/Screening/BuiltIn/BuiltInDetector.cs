using Microsoft.Extensions.Options;

namespace Tokengate.Screening.BuiltIn;

/// <summary>
/// The built-in local detector (<c>builtin</c>): a small logistic-regression classifier over hashed character and
/// word n-grams (weights embedded in Tokengate.Core, trained by <c>tools/screening/train.py</c>) plus a few fast rules
/// (<see cref="BuiltInRules"/>). Each user-prompt piece is judged for a jailbreak and each document for an indirect
/// attack; long pieces are scored in overlapping windows and the best window counts. No download, no native code,
/// no I/O: it answers in well under a millisecond for a typical prompt.
/// </summary>
internal sealed class BuiltInDetector : IPromptDetector
{
    public const string DetectorName = "builtin";
    private const double RuleScore = 1.0;

    private readonly BuiltInModel _model;
    private readonly TimeProvider _time;
    private readonly double _threshold;
    private readonly bool _rules;

    public BuiltInDetector(IOptions<Configuration.GatewayOptions> options, TimeProvider time)
        : this(options.Value.Screening.BuiltIn, time, BuiltInModel.Shared)
    {
    }

    internal BuiltInDetector(BuiltInDetectorOptions options, TimeProvider time, BuiltInModel model)
    {
        _model = model;
        _time = time;
        _threshold = options.Threshold;
        _rules = options.Rules;
    }

    public string Name => DetectorName;

    public ValueTask<DetectorVerdict> ScreenAsync(ScreeningInput input, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var userScore = Max(input.UserPrompt, cancellationToken);
        var documentScore = Max(input.Documents, cancellationToken);
        var attack = userScore >= _threshold ? AttackKind.Jailbreak
            : documentScore >= _threshold ? AttackKind.IndirectAttack
            : AttackKind.None;
        return ValueTask.FromResult(new DetectorVerdict(DetectorName, true, attack, Math.Max(userScore, documentScore), _time.GetElapsedTime(started)));
    }

    /// <summary>The score of one text, rules included: what the detector compares with its threshold.</summary>
    internal double Score(string text) => _rules && BuiltInRules.Matches(text) ? RuleScore : BuiltInFeaturizer.Score(text, _model);

    private double Max(IReadOnlyList<string> pieces, CancellationToken cancellationToken)
    {
        var best = 0.0;
        for (var i = 0; i < pieces.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var piece = pieces[i];
            if (string.IsNullOrWhiteSpace(piece)) continue;
            best = Math.Max(best, Score(piece));
        }
        return best;
    }
}
