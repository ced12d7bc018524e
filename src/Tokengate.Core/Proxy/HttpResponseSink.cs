using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Logging;

namespace Tokengate.Proxy;

/// <summary>The answer of a live call: the consumer's HTTP response.</summary>
internal sealed class HttpResponseSink(HttpContext context) : IResponseSink
{
    public CancellationToken Aborted => context.RequestAborted;

    public int StatusCode
    {
        get => context.Response.StatusCode;
        set => context.Response.StatusCode = value;
    }

    public IHeaderDictionary Headers => context.Response.Headers;

    public Task StartStreamingAsync(CancellationToken cancellationToken)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return context.Response.StartAsync(cancellationToken);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => context.Response.Body.WriteAsync(data, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken) => context.Response.Body.FlushAsync(cancellationToken);

    public void Abort() => context.Abort();

    public void Captured(ReadOnlySpan<byte> body) => context.Features.Get<ResponseCapture>()?.Capture(body);
}
