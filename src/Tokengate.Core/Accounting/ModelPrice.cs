using System.Collections.Frozen;

namespace Tokengate.Accounting;

/// <summary>
/// A model's prices in USD: text tokens per 1M (<see cref="Input"/>, <see cref="CachedInput"/>, <see cref="Output"/>),
/// audio and image tokens per 1M, and the units media models are billed in: per image by quality and size, per second
/// of audio, per 1M characters of speech input.
/// </summary>
internal sealed record ModelPrice(decimal Input, decimal CachedInput, decimal Output)
{
    private const decimal PerMillion = 1_000_000m;

    public decimal AudioInput { get; init; }
    public decimal CachedAudioInput { get; init; }
    public decimal AudioOutput { get; init; }
    public decimal ImageInput { get; init; }
    public decimal CachedImageInput { get; init; }
    public decimal ImageOutput { get; init; }

    /// <summary>USD per second of audio (a price per minute divided by 60).</summary>
    public decimal PerSecond { get; init; }

    /// <summary>USD per 1M characters of speech input.</summary>
    public decimal PerMillionCharacters { get; init; }

    /// <summary>
    /// USD per image, keyed <c>quality/size</c> (e.g. <c>hd/1024x1792</c>), <c>size</c>, <c>quality</c> or
    /// <c>default</c>, the most specific key found winning.
    /// </summary>
    public FrozenDictionary<string, decimal> PerImage { get; init; } = FrozenDictionary<string, decimal>.Empty;

    /// <summary>The cost of text tokens alone (admission's estimate of a text request).</summary>
    public decimal Cost(long promptTokens, long cachedTokens, long completionTokens)
    {
        var cached = Math.Clamp(cachedTokens, 0, promptTokens);
        return (((promptTokens - cached) * Input) + (cached * CachedInput) + (completionTokens * Output)) / PerMillion;
    }

    /// <summary>The cost of what a request used, every modality and unit priced at its own rate.</summary>
    public decimal Cost(in UsageCounts usage)
    {
        var media = usage.Media;
        if (media.IsEmpty) return Cost(usage.PromptTokens, usage.CachedTokens, usage.CompletionTokens);

        var audioIn = Math.Clamp(media.AudioInputTokens, 0, usage.PromptTokens);
        var imageIn = Math.Clamp(media.ImageInputTokens, 0, usage.PromptTokens - audioIn);
        var cachedAudio = Math.Clamp(media.CachedAudioTokens, 0, audioIn);
        var cachedImage = Math.Clamp(media.CachedImageTokens, 0, imageIn);
        var textIn = usage.PromptTokens - audioIn - imageIn;
        var cachedText = Math.Clamp(usage.CachedTokens - cachedAudio - cachedImage, 0, textIn);
        var audioOut = Math.Clamp(media.AudioOutputTokens, 0, usage.CompletionTokens);
        var imageOut = Math.Clamp(media.ImageOutputTokens, 0, usage.CompletionTokens - audioOut);
        var textOut = usage.CompletionTokens - audioOut - imageOut;

        var tokens = ((textIn - cachedText) * Input) + (cachedText * CachedInput)
            + ((audioIn - cachedAudio) * AudioInput) + (cachedAudio * CachedAudioInput)
            + ((imageIn - cachedImage) * ImageInput) + (cachedImage * CachedImageInput)
            + (textOut * Output) + (audioOut * AudioOutput) + (imageOut * ImageOutput)
            + (media.Characters * PerMillionCharacters);
        return (tokens / PerMillion) + ((decimal)media.AudioSeconds * PerSecond) + (media.Images * ImagePrice(media.ImageQuality, media.ImageSize));
    }

    /// <summary>The price of one image of this quality and size; 0 when the model is not priced per image.</summary>
    public decimal ImagePrice(string? quality, string? size)
    {
        if (PerImage.Count == 0) return 0;
        if (quality is not null && size is not null && PerImage.TryGetValue(quality + "/" + size, out var exact)) return exact;
        if (size is not null && PerImage.TryGetValue(size, out var bySize)) return bySize;
        if (quality is not null && PerImage.TryGetValue(quality, out var byQuality)) return byQuality;
        return PerImage.TryGetValue("default", out var fallback) ? fallback : 0;
    }
}
