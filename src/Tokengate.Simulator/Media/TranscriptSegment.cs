namespace Tokengate.Simulator.Media;

/// <summary>One sentence of a transcript and when it is spoken, in seconds from the start.</summary>
internal sealed record TranscriptSegment(int Id, double Start, double End, string Text);
