using System.Security.Cryptography;

namespace Tokengate.Files;

/// <summary>
/// A read-only stream over a file's plain bytes that hashes them as they pass and, at their end, throws
/// <see cref="InvalidDataException"/> when the size or SHA-256 differs from what was recorded when the file was
/// stored; a reader relaying it aborts instead of completing a response with the wrong bytes.
/// </summary>
internal sealed class VerifyingStream(Stream inner, string sha256, long bytes) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _checked;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => bytes;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        return Seen(buffer[..read]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Seen(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Seen(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            if (_checked) return 0;
            _checked = true;
            if (_read != bytes || !string.Equals(Convert.ToHexStringLower(_hash.GetHashAndReset()), sha256, StringComparison.Ordinal))
                throw new InvalidDataException("The stored file does not match the size and SHA-256 recorded when it was stored.");
            return 0;
        }
        _read += data.Length;
        _hash.AppendData(data);
        return data.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
