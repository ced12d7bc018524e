namespace Tokengate.Accounting;

/// <summary>
/// What a request used beyond text tokens: tokens by modality (part of <see cref="UsageCounts"/>' totals, which stay
/// the sum over every modality) and the units some models are billed in instead of tokens (images by size and
/// quality, seconds of audio, characters of speech input). All zero for a text request.
/// </summary>
internal readonly record struct MediaUsage
{
    /// <summary>Input tokens that were audio (part of the prompt tokens).</summary>
    public long AudioInputTokens { get; init; }

    /// <summary>Input tokens that were images (part of the prompt tokens).</summary>
    public long ImageInputTokens { get; init; }

    /// <summary>Cached input tokens that were audio (part of the cached tokens).</summary>
    public long CachedAudioTokens { get; init; }

    /// <summary>Cached input tokens that were images (part of the cached tokens).</summary>
    public long CachedImageTokens { get; init; }

    /// <summary>Output tokens that were audio (part of the completion tokens).</summary>
    public long AudioOutputTokens { get; init; }

    /// <summary>Output tokens that were images (part of the completion tokens).</summary>
    public long ImageOutputTokens { get; init; }

    /// <summary>Images generated or edited.</summary>
    public int Images { get; init; }

    /// <summary>The images' size (e.g. <c>1024x1024</c>), for prices per image.</summary>
    public string? ImageSize { get; init; }

    /// <summary>The images' quality (e.g. <c>hd</c>), for prices per image.</summary>
    public string? ImageQuality { get; init; }

    /// <summary>Seconds of audio billed by duration (transcription and translation models priced per minute).</summary>
    public double AudioSeconds { get; init; }

    /// <summary>Characters of speech input (text-to-speech models priced per character).</summary>
    public long Characters { get; init; }

    public bool IsEmpty => this == default;
}
