using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Proxy;

/// <summary>A read-only upstream body that advances a fake clock by a given delay before handing out each chunk.</summary>
internal sealed class TimedChunkStream(FakeTimeProvider time, params (TimeSpan Delay, string Text)[] chunks) : Stream
{
    private int _next;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_next == chunks.Length) return ValueTask.FromResult(0);
        var (delay, text) = chunks[_next++];
        time.Advance(delay);
        return ValueTask.FromResult(Encoding.UTF8.GetBytes(text, buffer.Span));
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
