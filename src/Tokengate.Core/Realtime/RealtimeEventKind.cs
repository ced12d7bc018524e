namespace Tokengate.Realtime;

/// <summary>What the gateway does with a server event, decided from its <c>type</c> alone.</summary>
internal enum RealtimeEventKind
{
    /// <summary>Relayed without being read (audio and text deltas, item events, rate limits, errors, ...).</summary>
    Other,

    /// <summary><c>session.created</c> / <c>session.updated</c>: read for the model and the input transcription model.</summary>
    Session,

    /// <summary><c>response.created</c>: a response starts (its latency is measured from here).</summary>
    ResponseCreated,

    /// <summary>A <c>response.….delta</c>: the first one after <see cref="ResponseCreated"/> is the response's first token.</summary>
    ResponseDelta,

    /// <summary><c>response.done</c>: read for <c>response.usage</c>, which is settled at once.</summary>
    ResponseDone,

    /// <summary><c>conversation.item.input_audio_transcription.completed</c>: read for its <c>usage</c> (the transcription model's).</summary>
    TranscriptionCompleted,
}
