namespace Tokengate.Batches;

/// <summary>How far a gateway-run batch's lines are: finished ones split by outcome, and those still to run.</summary>
internal readonly record struct BatchProgress(int Succeeded, int Failed, int Remaining, int Running);
