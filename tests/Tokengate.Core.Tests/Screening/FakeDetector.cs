namespace Tokengate.Screening;

/// <summary>
/// A detector under the test's control: answers at once with a fixed verdict, throws, or never answers (until
/// cancelled, or not even then). Counts its calls and keeps the last input.
/// </summary>
internal sealed class FakeDetector(string name, AttackKind attack = AttackKind.None, double score = 1, FakeDetector.Behaviour behaviour = FakeDetector.Behaviour.Answers) : IPromptDetector
{
    public enum Behaviour
    {
        Answers,
        Throws,
        NeverAnswers,
        IgnoresCancellation,
    }

    public string Name => name;

    public int Calls { get; private set; }

    public ScreeningInput? LastInput { get; private set; }

    public ValueTask<DetectorVerdict> ScreenAsync(ScreeningInput input, CancellationToken cancellationToken)
    {
        Calls++;
        LastInput = input;
        return behaviour switch
        {
            Behaviour.Answers => ValueTask.FromResult(new DetectorVerdict(name, true, attack, attack == AttackKind.None ? 0 : score, TimeSpan.FromMilliseconds(3))),
            Behaviour.Throws => throw new InvalidOperationException("detector down"),
            Behaviour.NeverAnswers => new ValueTask<DetectorVerdict>(Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(
                _ => DetectorVerdict.Failed(name, TimeSpan.Zero, "cancelled"), TaskScheduler.Default)),
            _ => new ValueTask<DetectorVerdict>(new TaskCompletionSource<DetectorVerdict>().Task),
        };
    }
}
