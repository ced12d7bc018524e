namespace Tokengate.Configuration;

/// <summary>
/// A model's (or a deployment's) prices in USD: tokens per 1M by modality, and the units media models are billed in.
/// A price left out comes from the built-in entry for the same model when there is one; otherwise audio and image
/// tokens cost what text tokens cost and the other units cost 0.
/// </summary>
public sealed class ModelPriceOptions
{
    /// <summary>Text prompt tokens.</summary>
    public decimal? Input { get; set; }

    /// <summary>Text prompt tokens served from the prompt cache. Default: the input price.</summary>
    public decimal? CachedInput { get; set; }

    /// <summary>Text completion tokens (reasoning included). Default 0 (embeddings).</summary>
    public decimal? Output { get; set; }

    /// <summary>Audio input tokens (realtime, transcription and audio chat models).</summary>
    public decimal? AudioInput { get; set; }

    /// <summary>Audio input tokens served from the prompt cache. Default: the audio input price.</summary>
    public decimal? CachedAudioInput { get; set; }

    /// <summary>Audio output tokens (realtime and speech models).</summary>
    public decimal? AudioOutput { get; set; }

    /// <summary>Image input tokens (image edits, realtime images).</summary>
    public decimal? ImageInput { get; set; }

    /// <summary>Image input tokens served from the prompt cache. Default: the image input price.</summary>
    public decimal? CachedImageInput { get; set; }

    /// <summary>Image output tokens (gpt-image models).</summary>
    public decimal? ImageOutput { get; set; }

    /// <summary>Per minute of audio, for models billed by duration (whisper).</summary>
    public decimal? PerMinute { get; set; }

    /// <summary>Per 1M characters of speech input, for models billed by character (tts-1, tts-1-hd).</summary>
    public decimal? PerMillionCharacters { get; set; }

    /// <summary>
    /// Per image, for models billed per image (dall-e-3), keyed <c>quality/size</c> (e.g. <c>hd/1024x1792</c>),
    /// <c>size</c>, <c>quality</c> or <c>default</c>; the most specific key that matches wins.
    /// </summary>
    public Dictionary<string, decimal> PerImage { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
