using System.Text;
using Tokengate.Accounting;

namespace Tokengate.Proxy;

/// <summary>Usage of media answers and events: tokens by modality, duration, images counted where nothing is reported.</summary>
public sealed class MediaUsageReaderTests
{
    private static UsageCounts Read(string json, bool countImages = true)
    {
        Assert.True(UsageReader.TryRead(Encoding.UTF8.GetBytes(json), countImages, out var usage));
        return usage;
    }

    [Fact]
    public void GptImage_TokensByModality_AndItsImages()
    {
        var usage = Read("""
            {"created":1,"data":[{"b64_json":"AA=="},{"b64_json":"AA=="}],"size":"1024x1536","quality":"high",
             "usage":{"input_tokens":50,"input_tokens_details":{"text_tokens":10,"image_tokens":40},"output_tokens":12480,
                      "output_tokens_details":{"text_tokens":0,"image_tokens":12480},"total_tokens":12530}}
            """);

        Assert.Equal(UsageSource.Reported, usage.Source);
        Assert.Equal((50, 12_480), (usage.PromptTokens, usage.CompletionTokens));
        Assert.Equal((40L, 12_480L), (usage.Media.ImageInputTokens, usage.Media.ImageOutputTokens));
        Assert.Equal((2, "1024x1536", "high"), (usage.Media.Images, usage.Media.ImageSize, usage.Media.ImageQuality));
    }

    [Fact]
    public void DallE3_NoUsage_ImagesMeasured()
    {
        var usage = Read("""{"created":1,"data":[{"url":"https://x/y.png","revised_prompt":"a cat"}]}""");
        Assert.Equal(UsageSource.Measured, usage.Source);
        Assert.Equal(1, usage.Media.Images);
        Assert.Equal(0, usage.TotalTokens);
    }

    [Fact]
    public void Embeddings_DataIsNotImages()
    {
        var usage = Read("""{"data":[{"embedding":[0.1]}],"usage":{"prompt_tokens":3,"total_tokens":3}}""", countImages: false);
        Assert.Equal(0, usage.Media.Images);
        Assert.Equal(3, usage.PromptTokens);
    }

    [Fact]
    public void Transcription_Duration()
    {
        var usage = Read("""{"text":"hello","usage":{"type":"duration","seconds":7}}""", countImages: false);
        Assert.Equal(7, usage.Media.AudioSeconds);
        Assert.Equal(0, usage.TotalTokens);
    }

    [Fact]
    public void Transcription_Tokens()
    {
        var usage = Read("""{"text":"hi","usage":{"type":"tokens","input_tokens":25,"input_token_details":{"text_tokens":5,"audio_tokens":20},"output_tokens":3,"total_tokens":28}}""", countImages: false);
        Assert.Equal((25, 3, 20L), (usage.PromptTokens, usage.CompletionTokens, usage.Media.AudioInputTokens));
    }

    [Fact]
    public void Realtime_CachedByModality()
    {
        var usage = Read("""
            {"usage":{"total_tokens":700,"input_tokens":500,"output_tokens":200,
              "input_token_details":{"text_tokens":100,"audio_tokens":380,"image_tokens":20,"cached_tokens":150,
                                     "cached_tokens_details":{"text_tokens":50,"audio_tokens":90,"image_tokens":10}},
              "output_token_details":{"text_tokens":40,"audio_tokens":160}}}
            """, countImages: false);
        Assert.Equal(150, usage.CachedTokens);
        Assert.Equal((380L, 20L, 90L, 10L, 160L), (usage.Media.AudioInputTokens, usage.Media.ImageInputTokens, usage.Media.CachedAudioTokens, usage.Media.CachedImageTokens, usage.Media.AudioOutputTokens));
    }

    [Fact]
    public void MediaStreamTap_SumsTerminalUsage_AndEnds()
    {
        var tap = new MediaStreamTap();
        static byte[] Event(string json) => Encoding.UTF8.GetBytes($"data: {json}\n\n");

        Assert.True(tap.Inspect(Event("""{"type":"transcript.text.delta","delta":"Hel"}""")));
        Assert.False(tap.Ended);
        Assert.True(tap.Inspect(Event("""{"type":"transcript.text.done","text":"Hello","usage":{"type":"tokens","input_tokens":20,"input_token_details":{"audio_tokens":20},"output_tokens":2}}""")));

        Assert.True(tap.Ended);
        Assert.Equal((20, 2, 20L), (tap.Usage!.Value.PromptTokens, tap.Usage.Value.CompletionTokens, tap.Usage.Value.Media.AudioInputTokens));
    }
}
