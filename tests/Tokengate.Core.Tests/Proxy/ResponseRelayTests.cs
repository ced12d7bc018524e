using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Proxy;

public class ResponseRelayTests
{
    private static int Complete(string data) => ResponseRelay.CompleteEventsLength(Encoding.UTF8.GetBytes(data));

    [Fact]
    public void CompleteEventsLength_OneLfEvent_WholeLength()
    {
        const string Data = "data: {\"a\":1}\n\n";

        Assert.Equal(Data.Length, Complete(Data));
    }

    [Fact]
    public void CompleteEventsLength_TwoLfEvents_WholeLength()
    {
        const string Data = "data: one\n\ndata: two\n\n";

        Assert.Equal(Data.Length, Complete(Data));
    }

    [Fact]
    public void CompleteEventsLength_LfEventsWithPartialAtEnd_PartialExcluded()
    {
        const string Whole = "data: one\n\ndata: two\n\n";

        Assert.Equal(Whole.Length, Complete(Whole + "data: thr"));
        Assert.Equal(Whole.Length, Complete(Whole + "data: three\n"));
    }

    [Fact]
    public void CompleteEventsLength_CrlfEvents_WholeLength()
    {
        const string Data = "data: one\r\n\r\ndata: two\r\n\r\n";

        Assert.Equal(Data.Length, Complete(Data));
    }

    [Fact]
    public void CompleteEventsLength_CrlfEventsWithPartialAtEnd_PartialExcluded()
    {
        const string Whole = "data: one\r\n\r\n";

        Assert.Equal(Whole.Length, Complete(Whole + "data: two\r\n"));
        Assert.Equal(Whole.Length, Complete(Whole + "data: two\r\n\r"));
    }

    [Fact]
    public void CompleteEventsLength_MultiLineEvent_EndsAtBlankLineOnly()
    {
        const string Whole = "event: x\ndata: 1\n\n";

        Assert.Equal(Whole.Length, Complete(Whole + "event: y\ndata: 2\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("data: partial")]
    [InlineData("data: one\n")]
    [InlineData("data: one\r\n")]
    [InlineData("data: one\r\n\r")]
    public void CompleteEventsLength_NoBoundary_Zero(string data)
    {
        Assert.Equal(0, Complete(data));
    }

    [Fact]
    public async Task RelayEventsAsync_TimeToFirstToken_IsWhenTheFirstEventIsFlushed_NotTheHeaders()
    {
        var time = new FakeTimeProvider();
        var headersAt = time.GetTimestamp();
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        using var upstream = new HttpResponseMessage
        {
            Content = new StreamContent(new TimedChunkStream(time,
                (TimeSpan.FromMilliseconds(250), "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"),
                (TimeSpan.FromMilliseconds(100), "data: [DONE]\n\n"))),
        };
        var tap = new StreamUsageTap(stripUsageChunk: false);

        Assert.True(await ResponseRelay.RelayEventsAsync(new HttpResponseSink(context), upstream, tap, time));

        Assert.Equal(TimeSpan.FromMilliseconds(250), time.GetElapsedTime(headersAt, tap.FirstEventTimestamp));
        Assert.Equal("Hi", tap.CompletionText);
    }

    [Fact]
    public async Task RelayEventsAsync_ConsumerGoneWhileWriting_TheInspectedTextIsStillKept()
    {
        var time = new FakeTimeProvider();
        var context = new DefaultHttpContext();
        context.Response.Body = new GoneStream();
        using var upstream = new HttpResponseMessage
        {
            Content = new StreamContent(new TimedChunkStream(time,
                (TimeSpan.FromMilliseconds(10), "data: {\"choices\":[{\"delta\":{\"content\":\"Half an\"}}]}\n\n"),
                (TimeSpan.FromMilliseconds(10), "data: [DONE]\n\n"))),
        };
        var tap = new StreamUsageTap(stripUsageChunk: false);

        await Assert.ThrowsAsync<IOException>(() => ResponseRelay.RelayEventsAsync(new HttpResponseSink(context), upstream, tap, time));

        // What was inspected before the failed write is counted, as a stream that breaks is.
        Assert.Equal("Half an", tap.CompletionText);
    }

    /// <summary>A response body whose consumer has gone: every write fails.</summary>
    private sealed class GoneStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("The consumer closed the connection."));
    }
}
