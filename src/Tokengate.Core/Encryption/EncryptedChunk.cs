using System.Buffers.Binary;

namespace Tokengate.Encryption;

/// <summary>
/// The layout of one self-delimiting chunk of ciphertext: a 16-byte header, a 12-byte random nonce, the AES-256-GCM
/// ciphertext of at most <see cref="MaxPlaintext"/> bytes, and the 16-byte tag. The header is
/// <c>version (1) | flags (1, bit 0 = last chunk of its part) | reserved (2, zero) | part (4) | chunk index in the part (4) | plaintext length (4)</c>,
/// big-endian; it is authenticated as associated data together with the object id, so a chunk decrypts only in its
/// place in its own object.
/// </summary>
internal static class EncryptedChunk
{
    public const byte Version = 1;
    public const int HeaderSize = 16;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int KeySize = 32;

    /// <summary>Plaintext bytes per chunk (64 KiB); the last chunk of a part may hold fewer, down to none for an empty part.</summary>
    public const int MaxPlaintext = 64 * 1024;

    /// <summary>Bytes of ciphertext a chunk of <paramref name="plaintextLength"/> bytes takes.</summary>
    public static int SizeOf(int plaintextLength) => HeaderSize + NonceSize + plaintextLength + TagSize;

    /// <summary>Ciphertext size of a part of <paramref name="plaintextLength"/> bytes (for stores that report sizes).</summary>
    public static long CiphertextLength(long plaintextLength)
    {
        var full = plaintextLength / MaxPlaintext;
        var rest = plaintextLength % MaxPlaintext;
        // A part ends with a chunk marked last: a whole number of full chunks ends on a full last chunk.
        return rest == 0 && full > 0
            ? full * SizeOf(MaxPlaintext)
            : full * SizeOf(MaxPlaintext) + SizeOf((int)rest);
    }

    public static void WriteHeader(Span<byte> header, bool last, int part, int index, int length)
    {
        header[0] = Version;
        header[1] = last ? (byte)1 : (byte)0;
        header[2] = 0;
        header[3] = 0;
        BinaryPrimitives.WriteInt32BigEndian(header[4..], part);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], index);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], length);
    }

    /// <summary>The header's fields; null with a reason when it cannot be a header this version wrote.</summary>
    public static string? ReadHeader(ReadOnlySpan<byte> header, out bool last, out int part, out int index, out int length)
    {
        last = (header[1] & 1) != 0;
        part = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        index = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        length = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (header[0] != Version) return $"unknown format version {header[0]} (not encrypted data, or written by a newer version).";
        if ((header[1] & ~1) != 0 || header[2] != 0 || header[3] != 0) return "a chunk header was changed.";
        if (length is < 0 or > MaxPlaintext) return "a chunk header was changed (impossible length).";
        return null;
    }
}
