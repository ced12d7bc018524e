namespace Tokengate.Routing;

/// <summary>A backend's attempt verdicts over the breaker's sampling window.</summary>
/// <param name="Successes">Answers that were not a backend fault.</param>
/// <param name="Failures">Failures blamed on the backend.</param>
/// <param name="Disputed">Server errors for requests that failed on another backend too: blamed on the request.</param>
internal readonly record struct AttemptCounts(int Successes, int Failures, int Disputed)
{
    public int Attempts => Successes + Failures + Disputed;
}
