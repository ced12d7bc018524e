namespace Tokengate.Simulator.Generation;

/// <summary>The log probability of one generated token and the most likely tokens at its position, best first.</summary>
internal sealed record TokenLogprob(string Token, double Logprob, TopLogprob[] Top);
