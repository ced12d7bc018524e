using Tokengate.Configuration;

namespace Tokengate.Accounting;

/// <summary>Prices by modality and unit, found by deployment, then by base model whatever version string follows it.</summary>
public sealed class MediaPriceTests
{
    private static readonly AccountingOptions None = new();

    [Fact]
    public void Realtime_TokensOfEachModality_AtTheirOwnRates()
    {
        var price = PriceTable.For("gpt-realtime", None);
        var usage = new UsageCounts(1_000, 300, 500, UsageSource.Reported)
        {
            Media = new MediaUsage { AudioInputTokens = 600, CachedAudioTokens = 200, AudioOutputTokens = 400 },
        };

        // Text in: 400 (100 cached); audio in: 600 (200 cached); text out 100; audio out 400.
        var expected = ((300 * 4.00m) + (100 * 0.40m) + (400 * 32.00m) + (200 * 0.40m) + (100 * 16.00m) + (400 * 64.00m)) / 1_000_000m;
        Assert.Equal(expected, price.Cost(usage));
    }

    [Theory]
    [InlineData("gpt-realtime-mini-2025-12-15", "gpt-realtime-mini")]
    [InlineData("gpt-realtime-2025-08-28", "gpt-realtime")]
    [InlineData("gpt-4o-transcribe-2025-03-20", "gpt-4o-transcribe")]
    public void NewVersionString_PricedAsItsBaseModel(string reported, string baseModel)
    {
        var price = PriceTable.For(reported, None);
        Assert.Equal(PriceTable.For(baseModel, None), price);
        Assert.NotEqual(PriceTable.Free, price);
    }

    [Fact]
    public void DallE3_PerImageByQualityAndSize()
    {
        var price = PriceTable.For("dall-e-3", None);
        UsageCounts Images(int n, string? quality, string? size) => new(0, 0, 0, UsageSource.Measured)
        {
            Media = new MediaUsage { Images = n, ImageQuality = quality, ImageSize = size },
        };

        Assert.Equal(0.080m * 2, price.Cost(Images(2, "hd", "1024x1024")));
        Assert.Equal(0.120m, price.Cost(Images(1, "hd", "1792x1024")));
        Assert.Equal(0.040m, price.Cost(Images(1, null, null)));
    }

    [Fact]
    public void Whisper_PerSecond_Tts_PerCharacter()
    {
        var seconds = new UsageCounts(0, 0, 0, UsageSource.Measured) { Media = new MediaUsage { AudioSeconds = 90 } };
        Assert.Equal(0.006m * 1.5m, PriceTable.For("whisper", None).Cost(seconds));

        var characters = new UsageCounts(0, 0, 0, UsageSource.Measured) { Media = new MediaUsage { Characters = 2_000 } };
        Assert.Equal(2_000 * 15m / 1_000_000m, PriceTable.For("tts-1", None).Cost(characters));
        Assert.Equal(2_000 * 30m / 1_000_000m, PriceTable.For("tts-1-hd", None).Cost(characters));
    }

    [Fact]
    public void DeploymentEntry_WinsOverModel_AndKeepsBuiltInModalities()
    {
        var options = new AccountingOptions();
        options.Prices["voice-eu"] = new ModelPriceOptions { Input = 5m };
        var price = PriceTable.For("voice-eu", "gpt-realtime-2025-08-28", options);

        Assert.Equal(5m, price.Input);
        Assert.Equal(5m, price.CachedInput);         // a configured input price without a cached one: cached costs the same
        Assert.Equal(64m, price.AudioOutput);        // left out: the built-in price for the model
        Assert.Equal(PriceTable.For("gpt-realtime", None), PriceTable.For("other-deployment", "gpt-realtime", options));
    }

    [Fact]
    public void ConfiguredEntry_WithoutModalityPrices_AudioCostsText()
    {
        var options = new AccountingOptions();
        options.Prices["my-audio-model"] = new ModelPriceOptions { Input = 1m, Output = 2m, PerMinute = 0.6m };
        var price = PriceTable.For("my-audio-model-v2", options);

        Assert.Equal(1m, price.AudioInput);
        Assert.Equal(2m, price.AudioOutput);
        Assert.Equal(0.01m, price.PerSecond);
    }
}
