namespace Tokengate.Simulator.Media;

/// <summary>The media model families, which decide limits, billing and what each operation accepts.</summary>
internal enum MediaModelFamily
{
    /// <summary>Not a media model (chat, completions, embeddings).</summary>
    None,

    /// <summary><c>dall-e-3</c>: billed per image, no usage in the response, <c>n</c> = 1, URL or base64 output.</summary>
    DallE,

    /// <summary><c>gpt-image-1</c>, <c>-mini</c>, <c>1.5</c>: token-billed images, always base64, streaming.</summary>
    GptImage,

    /// <summary><c>whisper</c>: billed by audio duration; every response format; no streaming.</summary>
    Whisper,

    /// <summary><c>gpt-4o-transcribe</c>, <c>gpt-4o-mini-transcribe</c>: token-billed; json and text; streaming; no translations.</summary>
    GptTranscribe,

    /// <summary><c>tts-1</c>, <c>tts-1-hd</c>: billed by input characters; binary audio only.</summary>
    Tts,

    /// <summary><c>gpt-4o-mini-tts</c>: token-billed; binary audio or server-sent events.</summary>
    GptTts,
}
