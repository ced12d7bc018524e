using System.Buffers.Binary;

namespace Tokengate.Hosting;

/// <summary>
/// Version 7 UUIDs (RFC 9562: 48 bits of Unix milliseconds, then random bits) for requests and ledger rows, made
/// without a system call. <see cref="Guid.CreateVersion7()"/> takes its random bits from the operating system's
/// secure generator, which on Linux is a read of <c>/dev/urandom</c> on every call: two per request, on the serving
/// core. These ids name records; they must be unique and time-ordered, not unguessable, so the random bits come from
/// <see cref="Random.Shared"/> (a generator per thread, seeded from the secure one). Nothing that grants access may
/// use them.
/// </summary>
internal static class RecordIds
{
    public static Guid NewVersion7() => NewVersion7(DateTimeOffset.UtcNow);

    public static Guid NewVersion7(DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        // Big-endian milliseconds in the first 6 bytes (written as 8; the random bits then overwrite the low 2).
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)timestamp.ToUnixTimeMilliseconds() << 16);
        Random.Shared.NextBytes(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // variant 10
        return new Guid(bytes, bigEndian: true);
    }
}
