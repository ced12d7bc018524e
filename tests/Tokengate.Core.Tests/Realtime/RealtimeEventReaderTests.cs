using Tokengate.Accounting;

namespace Tokengate.Realtime;

public sealed class RealtimeEventReaderTests
{
    [Fact]
    public void TryReadUsage_ResponseDone_TokensByModality()
    {
        var json = """
            {"type":"response.done","event_id":"e","response":{"object":"realtime.response","id":"resp_1","status":"completed",
             "output":[{"type":"message","content":[{"type":"output_audio","transcript":"hi"}]}],
             "usage":{"total_tokens":260,"input_tokens":60,"output_tokens":200,
               "input_token_details":{"text_tokens":20,"audio_tokens":30,"image_tokens":10,"cached_tokens":8,"cached_tokens_details":{"text_tokens":3,"audio_tokens":5,"image_tokens":0}},
               "output_token_details":{"text_tokens":40,"audio_tokens":160}}}}
            """u8;

        Assert.True(RealtimeEventReader.TryReadUsage(json, RealtimeEventKind.ResponseDone, out var usage));

        Assert.Equal((60L, 8L, 200L, UsageSource.Reported), (usage.PromptTokens, usage.CachedTokens, usage.CompletionTokens, usage.Source));
        Assert.Equal((30L, 10L, 5L, 160L), (usage.Media.AudioInputTokens, usage.Media.ImageInputTokens, usage.Media.CachedAudioTokens, usage.Media.AudioOutputTokens));
    }

    [Fact]
    public void TryReadUsage_ResponseDoneWithoutUsage_False()
    {
        Assert.False(RealtimeEventReader.TryReadUsage("""{"type":"response.done","response":{"status":"failed","usage":null}}"""u8, RealtimeEventKind.ResponseDone, out _));
        Assert.False(RealtimeEventReader.TryReadUsage("""{"type":"response.done","response":{"status":"failed"}}"""u8, RealtimeEventKind.ResponseDone, out _));
    }

    [Fact]
    public void TryReadUsage_TranscriptionBilledByDuration_Seconds()
    {
        var json = """{"type":"conversation.item.input_audio_transcription.completed","item_id":"i","transcript":"hi","usage":{"type":"duration","seconds":2.5}}"""u8;

        Assert.True(RealtimeEventReader.TryReadUsage(json, RealtimeEventKind.TranscriptionCompleted, out var usage));

        Assert.Equal(2.5, usage.Media.AudioSeconds);
        Assert.Equal(0, usage.TotalTokens);
    }

    [Fact]
    public void TryReadUsage_TranscriptionBilledByTokens_Tokens()
    {
        var json = """{"type":"conversation.item.input_audio_transcription.completed","usage":{"type":"tokens","input_tokens":12,"input_token_details":{"text_tokens":2,"audio_tokens":10},"output_tokens":4,"total_tokens":16}}"""u8;

        Assert.True(RealtimeEventReader.TryReadUsage(json, RealtimeEventKind.TranscriptionCompleted, out var usage));

        Assert.Equal((12L, 4L, 10L), (usage.PromptTokens, usage.CompletionTokens, usage.Media.AudioInputTokens));
    }

    [Fact]
    public void ReadSession_GaSession_ModelAndTranscriptionModel()
    {
        string? model = null, transcription = null;
        var json = """
            {"type":"session.updated","session":{"type":"realtime","object":"realtime.session","id":"sess_1",
             "audio":{"output":{"voice":"alloy"},"input":{"format":{"type":"audio/pcm"},"transcription":{"model":"gpt-4o-transcribe","language":"en"},"turn_detection":null}},
             "model":"gpt-realtime-2025-08-28","tools":[]}}
            """u8;

        RealtimeEventReader.ReadSession(json, ref model, ref transcription);

        Assert.Equal(("gpt-realtime-2025-08-28", "gpt-4o-transcribe"), (model, transcription));
    }

    [Fact]
    public void ReadSession_BetaSession_TranscriptionWithoutModelIsTheDefault_NullIsOff()
    {
        string? model = "old", transcription = null;

        RealtimeEventReader.ReadSession("""{"type":"session.created","session":{"model":"gpt-4o-realtime-preview","input_audio_transcription":{}}}"""u8, ref model, ref transcription);
        Assert.Equal(("gpt-4o-realtime-preview", RealtimeEventReader.DefaultTranscriptionModel), (model, transcription));

        RealtimeEventReader.ReadSession("""{"type":"session.updated","session":{"input_audio_transcription":null}}"""u8, ref model, ref transcription);
        Assert.Equal(("gpt-4o-realtime-preview", (string?)null), (model, transcription));
    }
}
