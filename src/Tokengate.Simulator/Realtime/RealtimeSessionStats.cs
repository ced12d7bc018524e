namespace Tokengate.Simulator.Realtime;

/// <summary>
/// What one realtime session has been billed so far: the sums of its <c>response.done</c> usages by modality, and of
/// its input transcriptions (billed to the transcription model, so not in the deployment's statistics).
/// </summary>
internal sealed record RealtimeSessionStats
{
    public required string Id { get; init; }

    public required string Deployment { get; init; }

    public required string Model { get; init; }

    /// <summary><c>beta</c> (preview route) or <c>ga</c> (v1 route).</summary>
    public required string Protocol { get; init; }

    /// <summary>Whether the socket is still open.</summary>
    public bool Open { get; init; }

    /// <summary>Responses that ended with <c>response.done</c>, whatever their status.</summary>
    public int Responses { get; init; }

    public int Completed { get; init; }

    public int Incomplete { get; init; }

    public int Cancelled { get; init; }

    /// <summary>Responses that admission refused (status <c>failed</c>).</summary>
    public int Failed { get; init; }

    /// <summary>Responses an injected fault cut before <c>response.done</c>; their tokens are not billed.</summary>
    public int Cut { get; init; }

    public long InputTokens { get; init; }

    public long InputTextTokens { get; init; }

    public long InputAudioTokens { get; init; }

    public long OutputTokens { get; init; }

    public long OutputTextTokens { get; init; }

    public long OutputAudioTokens { get; init; }

    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary><c>conversation.item.input_audio_transcription.completed</c> events sent.</summary>
    public int Transcriptions { get; init; }

    /// <summary>Token-billed transcriptions: input (audio and prompt) tokens.</summary>
    public long TranscriptionInputTokens { get; init; }

    /// <summary>Token-billed transcriptions: transcript tokens.</summary>
    public long TranscriptionOutputTokens { get; init; }

    /// <summary>Duration-billed (whisper) transcriptions: seconds of audio.</summary>
    public double TranscriptionSeconds { get; init; }
}
