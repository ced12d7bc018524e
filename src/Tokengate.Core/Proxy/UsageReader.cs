using System.Text.Json;
using Tokengate.Accounting;

namespace Tokengate.Proxy;

/// <summary>
/// Reads the <c>usage</c> object of a response body, stream event or realtime event, in every shape the APIs use:
/// chat's <c>prompt_tokens</c> / <c>completion_tokens</c>, Responses' and images' <c>input_tokens</c> /
/// <c>output_tokens</c>, the modality details (<c>text_tokens</c>, <c>audio_tokens</c>, <c>image_tokens</c>, cached
/// ones included) under any of their names, and transcription's <c>{type: "duration", seconds}</c>; and next to a
/// body's usage, the <c>service_tier</c> that served it.
/// </summary>
internal static class UsageReader
{
    public static bool TryRead(ReadOnlySpan<byte> json, out UsageCounts usage) => TryRead(json, countImages: false, out usage);

    /// <summary>
    /// Reads a body's top-level <c>usage</c>; with <paramref name="countImages"/>, also counts the images in its
    /// <c>data</c> and reads their <c>size</c> and <c>quality</c>, so an image answer without usage (dall-e-3) still
    /// says what it made.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, bool countImages, out UsageCounts usage)
    {
        usage = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            var found = false;
            var images = 0;
            string? size = null, quality = null, tier = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) found = ReadObject(ref reader, out usage);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("service_tier"u8))
                {
                    reader.Read();
                    tier = Priority.ServiceTierNames.Read(ref reader);
                    reader.Skip();
                }
                else if (countImages && reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        reader.Skip();
                        continue;
                    }
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        images++;
                        reader.Skip();
                    }
                }
                else if (countImages && (reader.ValueTextEquals("size"u8) || reader.ValueTextEquals("quality"u8)))
                {
                    var isSize = reader.ValueTextEquals("size"u8);
                    reader.Read();
                    var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    if (isSize) size = value;
                    else quality = value;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (found && tier is not null) usage = usage with { ServiceTier = tier };
            if (images == 0) return found;
            var source = found ? usage.Source : UsageSource.Measured;
            usage = usage with { Source = source, Media = usage.Media with { Images = images, ImageSize = size, ImageQuality = quality }, ServiceTier = tier };
            return true;
        }
        catch (JsonException)
        {
            // A body that is not JSON has no usage to read.
            return false;
        }
    }

    /// <summary>Reads a usage object given on its own (<c>{"input_tokens":…}</c>); false when it names no input tokens or seconds, or is not JSON.</summary>
    public static bool TryReadObject(ReadOnlySpan<byte> json, out UsageCounts usage)
    {
        usage = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && ReadObject(ref reader, out usage);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a usage object; the reader is on its <c>{</c> and is left on its <c>}</c>. False when it names no input tokens or seconds.</summary>
    public static bool ReadObject(ref Utf8JsonReader reader, out UsageCounts usage)
    {
        long prompt = 0, cached = 0, completion = 0;
        var media = new MediaUsage();
        var any = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
            {
                reader.Read();
                any |= reader.TryGetInt64(out prompt);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                reader.Read();
                reader.TryGetInt64(out completion);
            }
            else if (reader.ValueTextEquals("seconds"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var seconds))
                {
                    media = media with { AudioSeconds = seconds };
                    any = true;
                }
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8) || reader.ValueTextEquals("input_token_details"u8))
            {
                reader.Read();
                var details = ReadDetails(ref reader);
                cached = details.Cached;
                media = media with
                {
                    AudioInputTokens = details.Audio, ImageInputTokens = details.Image,
                    CachedAudioTokens = details.CachedAudio, CachedImageTokens = details.CachedImage,
                };
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8) || reader.ValueTextEquals("output_tokens_details"u8) || reader.ValueTextEquals("output_token_details"u8))
            {
                reader.Read();
                var details = ReadDetails(ref reader);
                media = media with { AudioOutputTokens = details.Audio, ImageOutputTokens = details.Image };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        usage = new UsageCounts(prompt, cached, completion, UsageSource.Reported) { Media = media };
        return any;
    }

    private static Details ReadDetails(ref Utf8JsonReader reader)
    {
        var details = new Details();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return details;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens_details"u8))
            {
                reader.Read();
                var inner = ReadDetails(ref reader);
                details.CachedAudio = inner.Audio;
                details.CachedImage = inner.Image;
                continue;
            }
            var field = reader.ValueTextEquals("cached_tokens"u8) ? 1 : reader.ValueTextEquals("audio_tokens"u8) ? 2 : reader.ValueTextEquals("image_tokens"u8) ? 3 : 0;
            reader.Read();
            if (field == 0 || reader.TokenType != JsonTokenType.Number)
            {
                reader.Skip();
                continue;
            }
            reader.TryGetInt64(out var value);
            switch (field)
            {
                case 1: details.Cached = value; break;
                case 2: details.Audio = value; break;
                default: details.Image = value; break;
            }
        }
        return details;
    }

    private struct Details
    {
        public long Cached, Audio, Image, CachedAudio, CachedImage;
    }
}
