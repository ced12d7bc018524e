namespace Tokengate.Simulator.Generation;

/// <summary>One candidate token at a position and its log probability.</summary>
internal readonly record struct TopLogprob(string Token, double Logprob);
