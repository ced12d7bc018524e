using System.Security.Cryptography;
using System.Text;

namespace Tokengate.Encryption;

/// <summary>The chunk format through <see cref="EncryptingStream"/> and <see cref="DecryptingStream"/>: round trips, parts, and every kind of damage.</summary>
public sealed class ChunkedEncryptionTests
{
    private const int Chunk = EncryptedChunk.MaxPlaintext;
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task Decrypt_AfterEncrypt_GivesThePlaintextBack(int size)
    {
        var plaintext = Plaintext(size);
        var ciphertext = await EncryptAsync("file-a", 1, plaintext);

        Assert.Equal(EncryptedChunk.CiphertextLength(size), ciphertext.Length);
        Assert.Equal(plaintext, await DecryptAsync("file-a", ciphertext));
        Assert.Equal(plaintext, DecryptSync("file-a", ciphertext));
    }

    [Fact]
    public async Task Encrypt_SameObjectTwice_GivesDifferentCiphertext()
    {
        var plaintext = Plaintext(1000);
        Assert.NotEqual(await EncryptAsync("file-a", 1, plaintext), await EncryptAsync("file-a", 1, plaintext));
    }

    [Fact]
    public async Task Decrypt_PartsEncryptedApartAndConcatenated_GivesTheWholeObject()
    {
        byte[][] parts = [Plaintext(Chunk * 2), Plaintext(5), Plaintext(0), Plaintext(Chunk + 3)];
        var ciphertext = new List<byte>();
        for (var i = 0; i < parts.Length; i++) ciphertext.AddRange(await EncryptAsync("upload-1", i + 1, parts[i]));

        Assert.Equal(parts.SelectMany(p => p).ToArray(), await DecryptAsync("upload-1", [.. ciphertext]));
    }

    [Theory]
    [InlineData(0)]                  // the first header's version
    [InlineData(5)]                  // the part number
    [InlineData(20)]                 // the nonce
    [InlineData(100)]                // the ciphertext
    [InlineData(-1)]                 // the last tag
    [InlineData(Chunk + 44 + 14)]    // the second chunk's length
    public async Task Decrypt_OneByteChanged_Throws(int at)
    {
        var ciphertext = await EncryptAsync("file-a", 1, Plaintext(Chunk + 100));
        ciphertext[at < 0 ? ciphertext.Length + at : at] ^= 0x01;

        await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("file-a", ciphertext));
    }

    [Fact]
    public async Task Decrypt_LastChunkMissing_ThrowsTruncated()
    {
        var ciphertext = await EncryptAsync("file-a", 1, Plaintext(Chunk * 2 + 10));
        var cut = ciphertext[..(2 * EncryptedChunk.SizeOf(Chunk))];

        var ex = await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("file-a", cut));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(1000)]
    public async Task Decrypt_CutShort_Throws(int missing)
    {
        var ciphertext = await EncryptAsync("file-a", 1, Plaintext(Chunk + 2000));
        await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("file-a", ciphertext[..^missing]));
    }

    [Fact]
    public async Task Decrypt_EmptySource_Throws()
    {
        await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("file-a", []));
    }

    [Fact]
    public async Task Decrypt_ChunksSwapped_ThrowsOutOfOrder()
    {
        var ciphertext = await EncryptAsync("file-a", 1, Plaintext(Chunk * 3));
        var size = EncryptedChunk.SizeOf(Chunk);
        var swapped = ciphertext[size..(2 * size)].Concat(ciphertext[..size]).Concat(ciphertext[(2 * size)..]).ToArray();

        var ex = await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("file-a", swapped));
        Assert.Contains("out of order", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_ChunkRepeated_Throws()
    {
        var ciphertext = await EncryptAsync("file-a", 1, Plaintext(Chunk * 2));
        var size = EncryptedChunk.SizeOf(Chunk);
        var repeated = ciphertext[..size].Concat(ciphertext).ToArray();

        await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("file-a", repeated));
    }

    [Fact]
    public async Task Decrypt_PartsInAnyOrder_EachWhole_Decrypt()
    {
        // Upload parts are numbered as they arrive and joined in the client's order: the file's SHA-256 binds the order.
        var one = await EncryptAsync("upload-1", 1, Plaintext(10));
        var two = await EncryptAsync("upload-1", 2, Plaintext(20));

        byte[] expected = [.. Plaintext(20), .. Plaintext(10)];
        Assert.Equal(expected, await DecryptAsync("upload-1", [.. two, .. one]));
        Assert.Equal(Plaintext(20), await DecryptAsync("upload-1", two));
    }

    [Fact]
    public async Task Decrypt_PartRepeatedOrCutShort_Throws()
    {
        var one = await EncryptAsync("upload-1", 1, Plaintext(Chunk + 10));
        var two = await EncryptAsync("upload-1", 2, Plaintext(20));

        var repeated = await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("upload-1", [.. one, .. one, .. two]));
        Assert.Contains("appears twice", repeated.Message, StringComparison.Ordinal);
        // Part 1 without its last chunk, then part 2: a part began before the one before it ended.
        byte[] cut = [.. one.Take(EncryptedChunk.SizeOf(Chunk)), .. two];
        await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("upload-1", cut));
    }

    [Fact]
    public async Task Decrypt_OtherObjectsCiphertext_Throws()
    {
        var ciphertext = await EncryptAsync("file-a", 1, Plaintext(100));
        await Assert.ThrowsAsync<CiphertextInvalidException>(() => DecryptAsync("file-b", ciphertext));
    }

    [Fact]
    public async Task Decrypt_WrongKey_Throws()
    {
        var ciphertext = await EncryptAsync("file-a", 1, Plaintext(100));
        var other = new byte[32];
        await using var stream = new DecryptingStream(other, "file-a", Encoding.UTF8.GetBytes("file-a"), new MemoryStream(ciphertext));
        await Assert.ThrowsAsync<CiphertextInvalidException>(() => stream.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task Decrypt_TamperedChunk_ReturnsNoneOfItsBytes()
    {
        var plaintext = Plaintext(Chunk * 2);
        var ciphertext = await EncryptAsync("file-a", 1, plaintext);
        ciphertext[EncryptedChunk.SizeOf(Chunk) + 40] ^= 0x80;  // inside the second chunk
        await using var stream = new DecryptingStream(Key, "file-a", Encoding.UTF8.GetBytes("file-a"), new MemoryStream(ciphertext));
        var received = new MemoryStream();

        await Assert.ThrowsAsync<CiphertextInvalidException>(() => stream.CopyToAsync(received));
        Assert.Equal(plaintext[..Chunk], received.ToArray());
    }

    [Fact]
    public async Task EncryptDecrypt_50MB_HoldsAboutOneChunkAtATime()
    {
        const long Size = 50L * 1024 * 1024;
        var source = new CountingSource(Size);
        var sink = new CountingSink(onWrite: written =>
        {
            // When ciphertext for n chunks has gone out, at most one more chunk of plaintext has been read.
            var chunksOut = written / EncryptedChunk.SizeOf(Chunk);
            Assert.True(source.Consumed <= (chunksOut + 2) * Chunk, $"read {source.Consumed} of plaintext with {written} bytes of ciphertext written");
        });
        await using (var encrypt = new EncryptingStream(Key, Encoding.UTF8.GetBytes("big"), 1, sink))
            await source.CopyToAsync(encrypt, 81920);
        Assert.Equal(EncryptedChunk.CiphertextLength(Size), sink.Written);
        Assert.True(sink.LargestWrite <= EncryptedChunk.SizeOf(Chunk));

        // Decrypting: re-encrypt lazily, so the ciphertext is never whole in memory either.
        var cipherSource = new EncryptedSource(Key, "big", Size);
        await using var decrypt = new DecryptingStream(Key, "big", Encoding.UTF8.GetBytes("big"), cipherSource);
        var plain = new CountingSink(onWrite: written =>
            Assert.True(cipherSource.Consumed <= (written / Chunk + 2) * EncryptedChunk.SizeOf(Chunk), $"consumed {cipherSource.Consumed} of ciphertext for {written} of plaintext"));
        await decrypt.CopyToAsync(plain, 81920);
        Assert.Equal(Size, plain.Written);
        Assert.Equal(source.Checksum, plain.Checksum);
    }

    [Fact]
    public void EncryptDecrypt_50MB_AllocatesAFewChunksNotTheObject()
    {
        const long Size = 50L * 1024 * 1024;
        var before = GC.GetAllocatedBytesForCurrentThread();
        using (var encrypt = new EncryptingStream(Key, Encoding.UTF8.GetBytes("big"), 1, new CountingSink(_ => { })))
            new CountingSource(Size).CopyTo(encrypt, 81920);
        using (var decrypt = new DecryptingStream(Key, "big", Encoding.UTF8.GetBytes("big"), new EncryptedSource(Key, "big", Size)))
            decrypt.CopyTo(new CountingSink(_ => { }), 81920);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes for a {Size}-byte object");
    }

    private static byte[] Plaintext(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> EncryptAsync(string objectId, int part, byte[] plaintext)
    {
        var output = new MemoryStream();
        await using (var stream = new EncryptingStream(Key, Encoding.UTF8.GetBytes(objectId), part, output))
        {
            // Odd-sized writes, so chunk boundaries fall inside writes.
            for (var at = 0; at < plaintext.Length; at += 7777) await stream.WriteAsync(plaintext.AsMemory(at, Math.Min(7777, plaintext.Length - at)));
        }
        return output.ToArray();
    }

    private static async Task<byte[]> DecryptAsync(string objectId, byte[] ciphertext)
    {
        await using var stream = new DecryptingStream(Key, objectId, Encoding.UTF8.GetBytes(objectId), new MemoryStream(ciphertext));
        var output = new MemoryStream();
        await stream.CopyToAsync(output, 1000);
        return output.ToArray();
    }

    private static byte[] DecryptSync(string objectId, byte[] ciphertext)
    {
        using var stream = new DecryptingStream(Key, objectId, Encoding.UTF8.GetBytes(objectId), new MemoryStream(ciphertext));
        var output = new MemoryStream();
        stream.CopyTo(output, 3000);
        return output.ToArray();
    }

    /// <summary>A read-only stream of <c>length</c> generated bytes that counts what has been read.</summary>
    private sealed class CountingSource(long length) : Stream
    {
        public long Consumed { get; private set; }
        public long Checksum { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => Consumed; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - Consumed);
            for (var i = 0; i < n; i++)
            {
                buffer[i] = (byte)((Consumed + i) * 31 % 251);
                Checksum += buffer[i];
            }
            Consumed += n;
            return n;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A write-only stream that keeps nothing: counts bytes, sums them, and calls back after each write.</summary>
    private sealed class CountingSink(Action<long> onWrite) : Stream
    {
        public long Written { get; private set; }
        public long Checksum { get; private set; }
        public int LargestWrite { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            foreach (var b in buffer) Checksum += b;
            Written += buffer.Length;
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            onWrite(Written);
        }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>The ciphertext of a generated object, produced a chunk at a time as it is read.</summary>
    private sealed class EncryptedSource : Stream
    {
        private readonly CountingSource _plain;
        private readonly EncryptingStream _encrypt;
        private readonly MemoryStream _pending = new();
        private readonly byte[] _buffer = new byte[8192];
        private int _offset;
        private bool _done;

        public EncryptedSource(byte[] key, string objectId, long length)
        {
            _plain = new CountingSource(length);
            _encrypt = new EncryptingStream(key, Encoding.UTF8.GetBytes(objectId), 1, _pending);
        }

        public long Consumed { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Consumed; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_offset == _pending.Length && !_done)
            {
                _pending.SetLength(0);
                _offset = 0;
                var n = _plain.Read(_buffer);
                if (n == 0)
                {
                    _encrypt.Dispose();
                    _done = true;
                }
                else
                {
                    _encrypt.Write(_buffer.AsSpan(0, n));
                }
            }
            var copy = (int)Math.Min(buffer.Length, _pending.Length - _offset);
            _pending.GetBuffer().AsSpan(_offset, copy).CopyTo(buffer);
            _offset += copy;
            Consumed += copy;
            return copy;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
