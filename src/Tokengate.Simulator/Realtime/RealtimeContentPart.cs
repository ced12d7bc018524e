namespace Tokengate.Simulator.Realtime;

/// <summary>
/// One content part of a conversation message. Audio is kept as its length only: what the model is billed for;
/// events never echo audio bytes back.
/// </summary>
internal sealed class RealtimeContentPart(RealtimePartKind kind)
{
    public RealtimePartKind Kind { get; } = kind;

    /// <summary>Text of a text part.</summary>
    public string? Text { get; set; }

    /// <summary>Transcript of an audio part: the input transcription, or what an audio answer said.</summary>
    public string? Transcript { get; set; }

    /// <summary>Bytes of audio in an audio part.</summary>
    public long AudioBytes { get; set; }

    /// <summary>Tokens of <see cref="Text"/> (text parts) as input to a later response.</summary>
    public int TextTokens { get; set; }

    /// <summary>Audio tokens (audio parts) as input to a later response: ceil(seconds × 10).</summary>
    public int AudioTokens { get; set; }

    public string? ImageUrl { get; set; }
}
