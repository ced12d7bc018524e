namespace Tokengate.Simulator.Tokens;

/// <summary>
/// Text of one generated choice. <see cref="Ends"/> holds the end offset of each streamed piece (one token each
/// unless a stop sequence cut the last one); <see cref="TokenCount"/> is the exact count with the model's encoding.
/// </summary>
internal sealed record GeneratedText(string Text, int[] Ends, int TokenCount, string FinishReason);
