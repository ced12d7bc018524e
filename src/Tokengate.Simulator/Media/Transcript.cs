namespace Tokengate.Simulator.Media;

/// <summary>A generated transcript: the whole text and its timed segments.</summary>
internal sealed record Transcript(string Text, IReadOnlyList<TranscriptSegment> Segments);
