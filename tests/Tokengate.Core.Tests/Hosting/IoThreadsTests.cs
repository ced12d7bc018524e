using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Hosting;

namespace Tokengate.Core.Tests.Hosting;

public sealed class IoThreadsTests
{
    [Theory]
    [InlineData(0L, false, false)]
    [InlineData(IoThreads.LargeBodyBytes, true, false)]
    [InlineData(IoThreads.LargeBodyBytes + 1, true, true)]
    [InlineData(null, true, true)]    // a body of unknown length (chunked, or HTTP/2 without content-length)
    [InlineData(null, false, false)]  // no body at all
    public void IsLarge_ByDeclaredLength_AndABodyOfUnknownLengthCountsAsLarge(long? length, bool canHaveBody, bool large)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(canHaveBody));
        context.Request.ContentLength = length;
        Assert.Equal(large, IoThreads.IsLarge(context));
    }

    private sealed record BodyDetection(bool CanHaveBody) : IHttpRequestBodyDetectionFeature;

    [Theory]
    [InlineData(true, true, true)]    // inline, and the request leaves: the rest runs on the pool
    [InlineData(true, false, false)]  // inline, a request that stays: on the calling thread
    [InlineData(false, true, false)]  // not inline: nothing added, the caller's thread (the pool's, when served)
    public async Task UseThreadPool_MovesTheRestOfThePipelineOffTheCallingThread_OnlyWhenInlineAndChosen(bool inline, bool leaves, bool onPool)
    {
        var app = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());
        bool? ranOnPool = null;
        var ranOn = -1;
        app.UseThreadPool(inline, _ => leaves);
        app.Run(_ =>
        {
            ranOnPool = Thread.CurrentThread.IsThreadPoolThread;
            ranOn = Environment.CurrentManagedThreadId;
            return Task.CompletedTask;
        });
        var pipeline = app.Build();

        // Called from a thread of its own, as an I/O thread calls it (not a pool thread).
        Task? run = null;
        var caller = -1;
        var thread = new Thread(() =>
        {
            caller = Environment.CurrentManagedThreadId;
            run = pipeline(new DefaultHttpContext());
        });
        thread.Start();
        thread.Join();
        await run!;

        Assert.Equal(onPool, ranOnPool);
        Assert.Equal(onPool, ranOn != caller);
    }
}
