namespace Tokengate.IntegrationTests.Files;

/// <summary>
/// A read-only, non-seekable stream of <paramref name="length"/> pseudo-random bytes made as they are read (nothing held
/// in memory), the same bytes for the same seed, so large contents can be written and their hash known without a
/// byte array of their size. Optionally fails after a number of bytes, like a client that disconnects, and hands out
/// at most <paramref name="maxRead"/> bytes a read, like a network stream.
/// </summary>
internal sealed class GeneratedStream(long length, ulong seed, long failAfter = -1, int maxRead = int.MaxValue) : Stream
{
    private ulong _state = seed | 1;
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <summary>The SHA-256 of the bytes a stream of this length and seed produces.</summary>
    public static byte[] Hash(long length, ulong seed)
    {
        using var stream = new GeneratedStream(length, seed);
        return System.Security.Cryptography.SHA256.HashData(stream);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && _position >= failAfter) throw new IOException("The generated stream was told to fail here.");
        var limit = failAfter >= 0 ? Math.Min(length, failAfter) : length;
        var count = (int)Math.Min(Math.Min(buffer.Length, maxRead), limit - _position);
        for (var i = 0; i < count; i++)
        {
            // xorshift64*: cheap, deterministic, and no two neighbouring blocks alike.
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            buffer[i] = (byte)((_state * 2685821657736338717UL) >> 56);
        }
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
