using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Tokengate.Configuration;

namespace Tokengate.Accounting;

/// <summary>
/// Prices of a request: a configured entry named after its deployment (the pool) first, then the longest configured
/// prefix of the backend's model, then the longest built-in one. Matching by prefix means a new version string
/// (<c>gpt-realtime-mini-2025-12-15</c>) finds its base model's price instead of costing 0. A configured entry
/// overrides only the prices it names; the rest come from the built-in entry for the same model. The built-in values
/// are Global Standard pay-as-you-go list prices as republished 2025–2026: configurable defaults to re-check before
/// billing use. A model found nowhere costs 0 (its usage is still counted).
/// </summary>
internal static class PriceTable
{
    public static readonly ModelPrice Free = new(0, 0, 0);

    private static readonly (string Prefix, ModelPrice Price)[] Defaults =
    [
        ("gpt-4o-mini", new(0.15m, 0.075m, 0.60m)),
        ("gpt-4o", new(2.50m, 1.25m, 10.00m)),
        ("gpt-4.1-nano", new(0.10m, 0.025m, 0.40m)),
        ("gpt-4.1-mini", new(0.40m, 0.10m, 1.60m)),
        ("gpt-4.1", new(2.00m, 0.50m, 8.00m)),
        ("text-embedding-3-small", new(0.02m, 0.02m, 0m)),
        ("text-embedding-3-large", new(0.13m, 0.13m, 0m)),
        ("text-embedding-ada-002", new(0.10m, 0.10m, 0m)),

        // Images: gpt-image models bill tokens by modality; dall-e-3 bills each image by quality and size.
        ("gpt-image-1-mini", new(2.00m, 0.20m, 0m) { ImageInput = 2.50m, CachedImageInput = 0.25m, ImageOutput = 8.00m }),
        ("gpt-image-1", new(5.00m, 1.25m, 0m) { ImageInput = 10.00m, CachedImageInput = 2.50m, ImageOutput = 40.00m }),
        ("dall-e-3", new(0m, 0m, 0m)
        {
            PerImage = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase)
            {
                ["standard/1024x1024"] = 0.040m, ["standard/1024x1792"] = 0.080m, ["standard/1792x1024"] = 0.080m,
                ["hd/1024x1024"] = 0.080m, ["hd/1024x1792"] = 0.120m, ["hd/1792x1024"] = 0.120m, ["default"] = 0.040m,
            }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
        }),

        // Audio: whisper by the minute, tts-1 by the character, the gpt-4o audio models by tokens of each modality.
        ("whisper", new(0m, 0m, 0m) { PerSecond = 0.006m / 60 }),
        ("gpt-4o-mini-transcribe", new(1.25m, 1.25m, 5.00m) { AudioInput = 3.00m, CachedAudioInput = 3.00m }),
        ("gpt-4o-transcribe", new(2.50m, 2.50m, 10.00m) { AudioInput = 6.00m, CachedAudioInput = 6.00m }),
        ("tts-1-hd", new(0m, 0m, 0m) { PerMillionCharacters = 30.00m }),
        ("tts-1", new(0m, 0m, 0m) { PerMillionCharacters = 15.00m }),
        ("gpt-4o-mini-tts", new(0.60m, 0.60m, 0m) { AudioOutput = 12.00m }),

        // Realtime: text, audio and image tokens, each with a cached rate.
        ("gpt-realtime-mini", new(0.60m, 0.06m, 2.40m) { AudioInput = 10.00m, CachedAudioInput = 0.30m, AudioOutput = 20.00m, ImageInput = 0.80m, CachedImageInput = 0.08m }),
        ("gpt-realtime", new(4.00m, 0.40m, 16.00m) { AudioInput = 32.00m, CachedAudioInput = 0.40m, AudioOutput = 64.00m, ImageInput = 5.00m, CachedImageInput = 0.50m }),
        ("gpt-4o-mini-realtime", new(0.60m, 0.30m, 2.40m) { AudioInput = 10.00m, CachedAudioInput = 0.30m, AudioOutput = 20.00m }),
        ("gpt-4o-realtime", new(5.00m, 2.50m, 20.00m) { AudioInput = 40.00m, CachedAudioInput = 2.50m, AudioOutput = 80.00m }),
    ];

    /// <summary>The price of <paramref name="model"/> with no deployment entry to consult.</summary>
    public static ModelPrice For(string? model, AccountingOptions options) => For(null, model, options);

    /// <summary>
    /// The price of a request to <paramref name="deployment"/> served by <paramref name="model"/>. Every request asks
    /// twice (admission, settle), so answers are kept per options instance: a configuration reload brings new options
    /// and so a new cache. The names come from configuration and backends, a bounded set; past the cap, prices are
    /// worked out each time.
    /// </summary>
    public static ModelPrice For(string? deployment, string? model, AccountingOptions options)
    {
        var cache = Cache.GetValue(options, static _ => new ConcurrentDictionary<(string?, string?), ModelPrice>());
        if (cache.TryGetValue((deployment, model), out var known)) return known;
        var price = Find(deployment, model, options);
        if (cache.Count < CacheLimit) cache.TryAdd((deployment, model), price);
        return price;
    }

    private const int CacheLimit = 1024;

    private static readonly ConditionalWeakTable<AccountingOptions, ConcurrentDictionary<(string?, string?), ModelPrice>> Cache = new();

    private static ModelPrice Find(string? deployment, string? model, AccountingOptions options)
    {
        var builtIn = BuiltIn(model);
        if (deployment is not null && options.Prices.TryGetValue(deployment, out var byDeployment)) return Merge(byDeployment, builtIn);
        if (string.IsNullOrEmpty(model)) return builtIn ?? Free;
        ModelPriceOptions? best = null;
        var bestLength = -1;
        foreach (var (prefix, price) in options.Prices)
        {
            if (prefix.Length > bestLength && model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = price;
                bestLength = prefix.Length;
            }
        }
        return best is not null ? Merge(best, builtIn) : builtIn ?? Free;
    }

    private static ModelPrice? BuiltIn(string? model)
    {
        if (string.IsNullOrEmpty(model)) return null;
        ModelPrice? best = null;
        var bestLength = -1;
        foreach (var (prefix, price) in Defaults)
        {
            if (prefix.Length > bestLength && model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = price;
                bestLength = prefix.Length;
            }
        }
        return best;
    }

    /// <summary>A configured entry over the built-in one: what it names wins; what it leaves out is the built-in price, else text's.</summary>
    private static ModelPrice Merge(ModelPriceOptions o, ModelPrice? b)
    {
        var input = o.Input ?? b?.Input ?? 0;
        var output = o.Output ?? b?.Output ?? 0;
        var audioInput = o.AudioInput ?? b?.AudioInput ?? input;
        var imageInput = o.ImageInput ?? b?.ImageInput ?? input;
        return new ModelPrice(input, o.CachedInput ?? (o.Input is null ? b?.CachedInput : null) ?? input, output)
        {
            AudioInput = audioInput,
            CachedAudioInput = o.CachedAudioInput ?? (o.AudioInput is null ? b?.CachedAudioInput : null) ?? audioInput,
            AudioOutput = o.AudioOutput ?? b?.AudioOutput ?? output,
            ImageInput = imageInput,
            CachedImageInput = o.CachedImageInput ?? (o.ImageInput is null ? b?.CachedImageInput : null) ?? imageInput,
            ImageOutput = o.ImageOutput ?? b?.ImageOutput ?? output,
            PerSecond = o.PerMinute is { } perMinute ? perMinute / 60 : b?.PerSecond ?? 0,
            PerMillionCharacters = o.PerMillionCharacters ?? b?.PerMillionCharacters ?? 0,
            PerImage = o.PerImage.Count > 0 ? o.PerImage.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase) : b?.PerImage ?? FrozenDictionary<string, decimal>.Empty,
        };
    }
}
