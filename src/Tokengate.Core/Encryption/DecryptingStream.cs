using System.Buffers;
using System.Security.Cryptography;

namespace Tokengate.Encryption;

/// <summary>
/// A read-only stream of the plaintext of an object's chunks (its parts concatenated in order), decrypting one chunk at
/// a time. Each chunk is checked before any of its bytes are returned; the order within a part is checked too: chunk
/// indexes from 0, the next part only after the last chunk of the one before, no part twice. Which part follows which
/// is not bound here (upload parts are numbered as they arrive and joined in the client's order): a file's recorded
/// SHA-256 of its plain bytes binds the whole, and readers of files check it. The end of the source is
/// accepted only right after a part's last chunk. Anything else throws <see cref="CiphertextInvalidException"/>.
/// Disposing it disposes the source.
/// </summary>
internal sealed class DecryptingStream : Stream
{
    private readonly Stream _source;
    private readonly string _objectId;
    private readonly AesGcm _aes;
    private readonly byte[] _associatedData;
    private readonly byte[] _plaintext = ArrayPool<byte>.Shared.Rent(EncryptedChunk.MaxPlaintext);
    private readonly byte[] _chunk = ArrayPool<byte>.Shared.Rent(EncryptedChunk.SizeOf(EncryptedChunk.MaxPlaintext));
    private int _position;
    private int _available;
    private int _part;  // 0: no chunk read yet
    private readonly HashSet<int> _parts = [];
    private int _index;
    private bool _afterLast;  // the last chunk of _part has been read: the end, or part _part + 1, may follow
    private bool _ended;
    private bool _disposed;

    public DecryptingStream(ReadOnlySpan<byte> dataKey, string objectId, byte[] objectIdBytes, Stream source)
    {
        _aes = new AesGcm(dataKey, EncryptedChunk.TagSize);
        _associatedData = new byte[EncryptedChunk.HeaderSize + objectIdBytes.Length];
        objectIdBytes.CopyTo(_associatedData, EncryptedChunk.HeaderSize);
        _objectId = objectId;
        _source = source;
    }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_position == _available && !_ended && buffer.Length > 0)
        {
            var header = _chunk.AsSpan(0, EncryptedChunk.HeaderSize);
            var got = _source.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (!Accept(got, out var length)) break;
            var body = _chunk.AsSpan(EncryptedChunk.HeaderSize, EncryptedChunk.SizeOf(length) - EncryptedChunk.HeaderSize);
            got = _source.ReadAtLeast(body, body.Length, throwOnEndOfStream: false);
            Open(got, length);
        }
        return Copy(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_position == _available && !_ended && buffer.Length > 0)
        {
            var got = await _source.ReadAtLeastAsync(_chunk.AsMemory(0, EncryptedChunk.HeaderSize), EncryptedChunk.HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (!Accept(got, out var length)) break;
            var size = EncryptedChunk.SizeOf(length) - EncryptedChunk.HeaderSize;
            got = await _source.ReadAtLeastAsync(_chunk.AsMemory(EncryptedChunk.HeaderSize, size), size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            Open(got, length);
        }
        return Copy(buffer.Span);
    }

    /// <summary>Checks a chunk's header (<paramref name="got"/> bytes of it were read) and its place; false at a valid end.</summary>
    private bool Accept(int got, out int length)
    {
        length = 0;
        if (got == 0 && _afterLast)
        {
            _ended = true;
            return false;
        }
        if (got < EncryptedChunk.HeaderSize) throw Invalid("it is truncated (the last chunk is missing).");
        if (EncryptedChunk.ReadHeader(_chunk.AsSpan(0, EncryptedChunk.HeaderSize), out var last, out var part, out var index, out length) is { } problem)
            throw Invalid(problem);

        if (_afterLast || _part == 0)
        {
            // A new part: any number not seen yet (upload parts are numbered as they arrive and joined in the
            // client's order, which the file's recorded SHA-256 binds), starting with its chunk 0.
            if (!_parts.Add(part)) throw Invalid($"part {part} appears twice.");
            if (index != 0) throw Invalid($"chunks are out of order (chunk {index} of part {part} came first).");
            _part = part;
            _index = 0;
            _afterLast = false;
        }
        else if (part != _part)
        {
            throw Invalid($"chunks are out of order (part {part} began before part {_part} ended).");
        }
        else if (index != _index)
        {
            throw Invalid($"chunks are out of order (chunk {index} of part {part} where chunk {_index} was expected).");
        }
        _afterLast = last;
        return true;
    }

    /// <summary>Authenticates and decrypts the chunk whose header <see cref="Accept"/> read.</summary>
    private void Open(int got, int length)
    {
        if (got < EncryptedChunk.SizeOf(length) - EncryptedChunk.HeaderSize) throw Invalid("it is truncated (a chunk is cut short).");
        _chunk.AsSpan(0, EncryptedChunk.HeaderSize).CopyTo(_associatedData);
        var nonce = _chunk.AsSpan(EncryptedChunk.HeaderSize, EncryptedChunk.NonceSize);
        var body = _chunk.AsSpan(EncryptedChunk.HeaderSize + EncryptedChunk.NonceSize, length + EncryptedChunk.TagSize);
        try
        {
            _aes.Decrypt(nonce, body[..length], body[length..], _plaintext.AsSpan(0, length), _associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Invalid("a chunk fails authentication (a changed byte, or another object's data).");
        }
        _position = 0;
        _available = length;
        _index++;
    }

    private int Copy(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _available - _position);
        _plaintext.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    private CiphertextInvalidException Invalid(string problem) => new(_objectId, problem);

    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            Release();
            _source.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            Release();
            await _source.DisposeAsync().ConfigureAwait(false);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Release()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_plaintext);
        ArrayPool<byte>.Shared.Return(_plaintext);
        ArrayPool<byte>.Shared.Return(_chunk);
        _aes.Dispose();
    }
}
