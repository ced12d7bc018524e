using System.Buffers;
using System.Security.Cryptography;

namespace Tokengate.Encryption;

/// <summary>
/// A write-only stream that seals what is written to it into <see cref="EncryptedChunk"/>s of one part and writes them
/// to the destination as each fills: one chunk of plaintext and one of ciphertext are held, whatever the object's size.
/// Disposing it writes the part's last chunk (marked last; empty when nothing was written) and leaves the destination
/// open. A chunk is written only once the next byte shows it is not the last, so a part of exactly 64 KiB is one chunk.
/// </summary>
internal sealed class EncryptingStream : Stream
{
    private readonly Stream _destination;
    private readonly AesGcm _aes;
    private readonly byte[] _associatedData;  // header, then the object id
    private readonly byte[] _plaintext = ArrayPool<byte>.Shared.Rent(EncryptedChunk.MaxPlaintext);
    private readonly byte[] _chunk = ArrayPool<byte>.Shared.Rent(EncryptedChunk.SizeOf(EncryptedChunk.MaxPlaintext));
    private readonly int _part;
    private int _filled;
    private int _index;
    private bool _closed;

    public EncryptingStream(ReadOnlySpan<byte> dataKey, byte[] objectIdBytes, int part, Stream destination)
    {
        _aes = new AesGcm(dataKey, EncryptedChunk.TagSize);
        _associatedData = new byte[EncryptedChunk.HeaderSize + objectIdBytes.Length];
        objectIdBytes.CopyTo(_associatedData, EncryptedChunk.HeaderSize);
        _part = part;
        _destination = destination;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_closed;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        while (!buffer.IsEmpty)
        {
            if (_filled == EncryptedChunk.MaxPlaintext) _destination.Write(_chunk, 0, Seal(last: false));
            var n = Math.Min(buffer.Length, EncryptedChunk.MaxPlaintext - _filled);
            buffer[..n].CopyTo(_plaintext.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        while (!buffer.IsEmpty)
        {
            if (_filled == EncryptedChunk.MaxPlaintext)
                await _destination.WriteAsync(_chunk.AsMemory(0, Seal(last: false)), cancellationToken).ConfigureAwait(false);
            var n = Math.Min(buffer.Length, EncryptedChunk.MaxPlaintext - _filled);
            buffer.Span[..n].CopyTo(_plaintext.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
        }
    }

    /// <summary>Flushes the destination; the chunk being filled stays until it is full or the stream is disposed.</summary>
    public override void Flush() => _destination.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _destination.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed)
        {
            try
            {
                _destination.Write(_chunk, 0, Seal(last: true));
                _destination.Flush();
            }
            finally
            {
                Release();
            }
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            try
            {
                await _destination.WriteAsync(_chunk.AsMemory(0, Seal(last: true))).ConfigureAwait(false);
                await _destination.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                Release();
            }
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Seals the buffered plaintext into <see cref="_chunk"/>; returns the chunk's size.</summary>
    private int Seal(bool last)
    {
        var length = _filled;
        var header = _associatedData.AsSpan(0, EncryptedChunk.HeaderSize);
        EncryptedChunk.WriteHeader(header, last, _part, _index, length);
        var chunk = _chunk.AsSpan(0, EncryptedChunk.SizeOf(length));
        header.CopyTo(chunk);
        var nonce = chunk.Slice(EncryptedChunk.HeaderSize, EncryptedChunk.NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var body = chunk[(EncryptedChunk.HeaderSize + EncryptedChunk.NonceSize)..];
        _aes.Encrypt(nonce, _plaintext.AsSpan(0, length), body[..length], body.Slice(length, EncryptedChunk.TagSize), _associatedData);
        _filled = 0;
        _index++;
        return chunk.Length;
    }

    private void Release()
    {
        _closed = true;
        CryptographicOperations.ZeroMemory(_plaintext);
        ArrayPool<byte>.Shared.Return(_plaintext);
        ArrayPool<byte>.Shared.Return(_chunk);
        _aes.Dispose();
    }
}
