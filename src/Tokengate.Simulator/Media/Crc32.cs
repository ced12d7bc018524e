namespace Tokengate.Simulator.Media;

/// <summary>
/// The reflected CRC-32 (polynomial 0xEDB88320) of PNG chunks and zlib trailers. A table of 256 entries is all it
/// takes; the simulator does not pull in System.IO.Hashing for one checksum.
/// </summary>
internal static class Crc32
{
    /// <summary>The register value a computation starts from.</summary>
    public const uint Initial = 0xFFFF_FFFF;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Feeds <paramref name="data"/> into a running register (start from <see cref="Initial"/>).</summary>
    public static uint Append(uint register, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            register = Table[(register ^ b) & 0xFF] ^ (register >> 8);
        }

        return register;
    }

    /// <summary>The checksum of a finished register.</summary>
    public static uint Finish(uint register) => ~register;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
