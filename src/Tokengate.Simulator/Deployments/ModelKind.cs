namespace Tokengate.Simulator.Deployments;

/// <summary>Which operation family a model serves; a mismatch answers 400 <c>OperationNotSupported</c>.</summary>
internal enum ModelKind
{
    Chat,
    Completion,
    Embeddings,

    // Media kinds (see Media/MediaModels): the model family refines what each accepts.

    /// <summary>Image generation and edits: dall-e-3, gpt-image-1 and its variants.</summary>
    Image,

    /// <summary>Audio transcription and translation: whisper, gpt-4o-transcribe and gpt-4o-mini-transcribe.</summary>
    Transcription,

    /// <summary>Text to speech: tts-1, tts-1-hd and gpt-4o-mini-tts.</summary>
    Speech,

    /// <summary>Realtime models: served over WebSocket at <c>/openai/realtime</c> and <c>/openai/v1/realtime</c> only.</summary>
    Realtime,
}
