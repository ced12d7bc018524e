using Microsoft.AspNetCore.Http;

namespace Tokengate.Proxy;

/// <summary>
/// Where the forwarding loop writes a request's answer: the HTTP response of a live call
/// (<see cref="HttpResponseSink"/>), or a stored result for a request with no connection, such as a queued or batched
/// one (<see cref="BufferedResponseSink"/>). The loop, the relay and the gateway's own errors write through it only.
/// </summary>
internal interface IResponseSink
{
    /// <summary>Cancelled when nobody waits for the answer any more (the consumer went away).</summary>
    CancellationToken Aborted { get; }

    int StatusCode { get; set; }

    IHeaderDictionary Headers { get; }

    /// <summary>Sends the status and headers now: an event stream starts before its first event, unbuffered.</summary>
    Task StartStreamingAsync(CancellationToken cancellationToken);

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Ends the answer as broken (a body that failed half-way): the consumer must not take it as whole.</summary>
    void Abort();

    /// <summary>The whole of a non-streamed answer, for the request log where it is permitted.</summary>
    void Captured(ReadOnlySpan<byte> body);
}
