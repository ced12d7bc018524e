namespace Tokengate.Simulator.Batches;

/// <summary>One entry of a batch's <c>errors.data</c>: why validation failed, with the 1-based line when it is about one.</summary>
internal sealed record BatchLineError(string Code, string Message, string? Param, int? Line);
