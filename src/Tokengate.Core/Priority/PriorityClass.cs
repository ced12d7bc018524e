namespace Tokengate.Priority;

/// <summary>A priority class: its name and rank (0 is the highest).</summary>
internal sealed record PriorityClass(string Name, int Rank);
