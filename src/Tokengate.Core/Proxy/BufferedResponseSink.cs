using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Tokengate.Proxy;

/// <summary>
/// An answer kept in memory: for a request that has no connection (queued, batched), which runs through the same
/// admission, routing, failover and accounting as a live call and is answered later from what this holds.
/// </summary>
internal sealed class BufferedResponseSink(CancellationToken aborted = default) : IResponseSink
{
    private readonly ArrayBufferWriter<byte> _body = new();

    public CancellationToken Aborted { get; } = aborted;

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public IHeaderDictionary Headers { get; } = new HeaderDictionary();

    /// <summary>The answer ended broken (half a body): it must not be delivered as a complete result.</summary>
    public bool IsAborted { get; private set; }

    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    public Task StartStreamingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _body.Write(data.Span);
        return ValueTask.CompletedTask;
    }

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Abort() => IsAborted = true;

    public void Captured(ReadOnlySpan<byte> body)
    {
        // The body is already kept whole.
    }
}
