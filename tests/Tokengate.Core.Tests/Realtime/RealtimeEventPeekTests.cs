using System.Text;

namespace Tokengate.Realtime;

public sealed class RealtimeEventPeekTests
{
    [Theory]
    [InlineData("""{"type":"response.done","event_id":"e1","response":{}}""", "ResponseDone")]
    [InlineData("""{"event_id":"event_123","type":"session.created","session":{}}""", "Session")]
    [InlineData("""{ "type" : "session.updated" }""", "Session")]
    [InlineData("""{"type":"conversation.item.input_audio_transcription.completed","usage":{}}""", "TranscriptionCompleted")]
    [InlineData("""{"type":"response.created","response":{}}""", "ResponseCreated")]
    [InlineData("""{"type":"response.output_audio.delta","delta":"AAAA"}""", "ResponseDelta")]
    [InlineData("""{"type":"response.text.delta","delta":"hi"}""", "ResponseDelta")]
    [InlineData("""{"type":"rate_limits.updated","rate_limits":[]}""", "Other")]
    [InlineData("""{"type":"error","error":{"type":"invalid_request_error"}}""", "Other")]
    public void TryClassify_WholeEvent_KindOfItsType(string json, string expected)
    {
        Assert.True(RealtimeEventPeek.TryClassify(Encoding.UTF8.GetBytes(json), complete: true, out var kind));
        Assert.Equal(expected, kind.ToString());
    }

    [Fact]
    public void TryClassify_ATypeInsideANestedObjectBeforeTheTopLevelOne_IsNotTakenForIt()
    {
        var json = """{"response":{"status_details":{"type":"response.done"}},"type":"response.output_text.delta"}"""u8;

        Assert.True(RealtimeEventPeek.TryClassify(json, complete: true, out var kind));
        Assert.Equal(RealtimeEventKind.ResponseDelta, kind);
    }

    [Fact]
    public void TryClassify_TypeNotYetComplete_NeedsMoreBytes()
    {
        Assert.False(RealtimeEventPeek.TryClassify("""{"type":"respon"""u8, complete: false, out _));
        Assert.False(RealtimeEventPeek.TryClassify("""{"event_id":"ev"""u8, complete: false, out _));
    }

    [Fact]
    public void TryClassify_NoTypeWithinTheHead_Other()
    {
        var json = Encoding.UTF8.GetBytes("{\"event_id\":\"" + new string('x', RealtimeEventPeek.HeadBytes) + "\",\"type\":\"response.done\"}");

        Assert.True(RealtimeEventPeek.TryClassify(json.AsSpan(0, RealtimeEventPeek.HeadBytes), complete: true, out var kind));
        Assert.Equal(RealtimeEventKind.Other, kind);
    }

    [Fact]
    public void TryClassify_EscapedQuotesInAnEarlierString_Skipped()
    {
        var json = """{"event_id":"a\"type\":\"response.done","type":"response.done"}"""u8;

        Assert.True(RealtimeEventPeek.TryClassify(json, complete: true, out var kind));
        Assert.Equal(RealtimeEventKind.ResponseDone, kind);
    }
}
