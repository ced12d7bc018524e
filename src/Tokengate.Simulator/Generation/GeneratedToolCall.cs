namespace Tokengate.Simulator.Generation;

/// <summary>
/// A function call the model makes: <see cref="Arguments"/> is JSON valid against the function's parameters unless a
/// token bound cut it (<see cref="Truncated"/>); <see cref="Pieces"/> splits it into one streamed fragment per token.
/// </summary>
internal sealed record GeneratedToolCall(string CallId, string Name, string Arguments, int[] Pieces, int TokenCount, bool Truncated);
