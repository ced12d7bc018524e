using Tokengate.Screening;

namespace Tokengate.IntegrationTests.Screening;

/// <summary>A detector registered in the gateway's DI for a test: one that throws at once, or one that never answers.</summary>
internal sealed class TestDetector(string name, bool throws) : IPromptDetector
{
    public string Name => name;

    public int Calls;

    public ValueTask<DetectorVerdict> ScreenAsync(ScreeningInput input, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        if (throws) throw new HttpRequestException("detector endpoint refused the connection");
        // Never answers, and ignores cancellation: the step must stop waiting at its deadline on its own.
        return new ValueTask<DetectorVerdict>(new TaskCompletionSource<DetectorVerdict>(TaskCreationOptions.RunContinuationsAsynchronously).Task);
    }
}
