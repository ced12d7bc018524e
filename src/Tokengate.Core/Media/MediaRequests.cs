using System.Text.Json;
using Tokengate.Accounting;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Operations;

namespace Tokengate.Media;

/// <summary>
/// What the gateway reads, estimates and measures for image and audio requests: the form of an upload (its
/// <c>model</c>, its <c>file</c>), what to reserve before the model has answered, and what was used when a model
/// reports no usage of its own (<see cref="OperationDescriptor.Measures"/>).
/// </summary>
internal static class MediaRequests
{
    /// <summary>Audio tokens per second of input or output audio, the rate the gpt-4o audio models bill at (about 100 ms a token).</summary>
    public const int AudioTokensPerSecond = 10;

    /// <summary>Transcript tokens per second of speech, a high estimate (about 150 words a minute).</summary>
    private const int TranscriptTokensPerSecond = 4;

    /// <summary>Characters of speech input per second of speech, at speed 1.</summary>
    private const int CharactersPerSecond = 15;

    /// <summary>Reads an upload's form into <see cref="GatewayRequestFeature.Parsed"/>; the refusal when it cannot be served.</summary>
    public static GatewayError? ReadForm(GatewayRequestFeature feature)
    {
        if (MultipartForm.Boundary(feature.Request.ContentType) is not { } boundary)
            return GatewayError.InvalidBody("The request must be sent as multipart/form-data with a boundary in its Content-Type.");
        if (!MultipartForm.TryParse(feature.Body.Span, boundary, out feature.Parsed, out var error)) return GatewayError.InvalidBody(error!);

        if (feature.Route.Operation.Measures == MeasuredUsage.AudioDuration)
        {
            if (feature.Parsed.FileName is null)
                return GatewayError.InvalidBody("The upload has no 'file' part: send the audio as the form field 'file'.", "file");
            if (!MultipartForm.IsAudioFileName(feature.Parsed.FileName))
                return GatewayError.InvalidBody($"Invalid file format. Supported formats: [{string.Join(", ", MultipartForm.AudioExtensions.Select(e => $"'{e}'"))}]", "file");
        }
        return null;
    }

    /// <summary>
    /// What admission reserves for a media request beyond its prompt tokens: the output tokens it may produce (images
    /// at the largest count for their size and quality, a transcript, speech audio), and the units it will be billed
    /// in, for the budget's estimate.
    /// </summary>
    public static (long InputTokens, long OutputTokens, MediaUsage Units) Estimate(GatewayRequestFeature feature)
    {
        var parsed = feature.Parsed;
        switch (feature.Route.Operation.Measures)
        {
            case MeasuredUsage.Images:
            {
                var images = Math.Max(1, parsed.N);
                var units = new MediaUsage { Images = images, ImageSize = parsed.ImageSize, ImageQuality = parsed.ImageQuality };
                return (0, (long)images * ImageOutputTokens(parsed.ImageSize, parsed.ImageQuality), units with { ImageOutputTokens = (long)images * ImageOutputTokens(parsed.ImageSize, parsed.ImageQuality) });
            }
            case MeasuredUsage.AudioDuration:
            {
                var seconds = AudioSeconds(feature);
                var audio = (long)Math.Ceiling(seconds * AudioTokensPerSecond);
                return (audio, (long)Math.Ceiling(seconds * TranscriptTokensPerSecond), new MediaUsage { AudioSeconds = seconds, AudioInputTokens = audio });
            }
            case MeasuredUsage.Characters:
            {
                var characters = Characters(feature);
                var audio = (long)Math.Ceiling((double)characters / CharactersPerSecond * AudioTokensPerSecond);
                return (0, audio, new MediaUsage { Characters = characters, AudioOutputTokens = audio });
            }
            default:
                return (0, 0, default);
        }
    }

    /// <summary>
    /// What a media request used when its model reported nothing: the images it was answered with (as many as asked
    /// for when the answer could not be read), the upload's measured duration, or the speech input's characters.
    /// </summary>
    public static UsageCounts Measure(GatewayRequestFeature feature, UsageCounts? fromBody)
    {
        var parsed = feature.Parsed;
        switch (feature.Route.Operation.Measures)
        {
            case MeasuredUsage.Images:
            {
                var media = fromBody?.Media ?? default;
                return new UsageCounts(0, 0, 0, UsageSource.Measured)
                {
                    Media = new MediaUsage
                    {
                        Images = media.Images > 0 ? media.Images : Math.Max(1, parsed.N),
                        ImageSize = media.ImageSize ?? parsed.ImageSize,
                        ImageQuality = media.ImageQuality ?? parsed.ImageQuality,
                    },
                };
            }
            case MeasuredUsage.AudioDuration:
                return new UsageCounts(0, 0, 0, UsageSource.Measured) { Media = new MediaUsage { AudioSeconds = Math.Ceiling(AudioSeconds(feature)) } };
            case MeasuredUsage.Characters:
                return new UsageCounts(0, 0, 0, UsageSource.Measured) { Media = new MediaUsage { Characters = Characters(feature) } };
            default:
                return default;
        }
    }

    /// <summary>
    /// A media model's token report, completed: tokens it reports without their modality are the operation's own
    /// (image output of an image model, audio input of a transcription, audio output of speech), and an image answer
    /// gains the images' count, size and quality from the request where the answer did not say.
    /// </summary>
    public static UsageCounts Complete(GatewayRequestFeature feature, UsageCounts usage)
    {
        var parsed = feature.Parsed;
        var media = usage.Media;
        switch (feature.Route.Operation.Measures)
        {
            case MeasuredUsage.Images:
                if (media.ImageOutputTokens == 0 && media.AudioOutputTokens == 0) media = media with { ImageOutputTokens = usage.CompletionTokens };
                media = media with
                {
                    Images = media.Images > 0 ? media.Images : Math.Max(1, parsed.N),
                    ImageSize = media.ImageSize ?? parsed.ImageSize,
                    ImageQuality = media.ImageQuality ?? parsed.ImageQuality,
                };
                break;
            case MeasuredUsage.AudioDuration:
                if (media.AudioInputTokens == 0 && media.AudioSeconds == 0) media = media with { AudioInputTokens = usage.PromptTokens - PromptTextTokens(feature, usage) };
                break;
            case MeasuredUsage.Characters:
                if (media.AudioOutputTokens == 0) media = media with { AudioOutputTokens = usage.CompletionTokens };
                break;
        }
        return usage with { Media = media };
    }

    /// <summary>Without a breakdown, a transcription's input is its audio: only a <c>prompt</c> it was sent is text (at most the whole input).</summary>
    private static long PromptTextTokens(GatewayRequestFeature feature, UsageCounts usage) =>
        feature.Parsed.PromptLength == 0 ? 0 : Math.Min(usage.PromptTokens, feature.Admission?.Prompt.Tokens ?? 0);

    /// <summary>Seconds of audio in the upload's file part.</summary>
    public static double AudioSeconds(GatewayRequestFeature feature)
    {
        var parsed = feature.Parsed;
        return parsed.FileLength == 0 ? 0 : AudioDuration.Measure(feature.Body.Span.Slice(parsed.FileStart, parsed.FileLength)).Seconds;
    }

    /// <summary>Characters (Unicode scalar values) of the speech request's <c>input</c>.</summary>
    public static long Characters(GatewayRequestFeature feature)
    {
        var parsed = feature.Parsed;
        if (parsed.PromptLength == 0) return 0;
        var reader = new Utf8JsonReader(feature.Body.Span.Slice(parsed.PromptStart, parsed.PromptLength));
        if (!reader.Read() || reader.TokenType != JsonTokenType.String) return 0;
        var text = reader.GetString()!;
        var count = 0L;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    /// <summary>
    /// Image output tokens of one gpt-image image by size and quality (OpenAI's published table); an unknown or
    /// <c>auto</c> quality counts as high, an unknown size as the larger one: the estimate must not fall short.
    /// </summary>
    public static int ImageOutputTokens(string? size, string? quality)
    {
        var square = size is "1024x1024" or "256x256" or "512x512";
        return quality switch
        {
            "low" => square ? 272 : 408,
            "medium" or "standard" => square ? 1056 : 1584,
            _ => square ? 4160 : 6240,
        };
    }
}
