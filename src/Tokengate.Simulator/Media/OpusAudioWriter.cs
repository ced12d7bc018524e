using System.Buffers.Binary;
using System.Text;

namespace Tokengate.Simulator.Media;

/// <summary>
/// Ogg Opus, mono: the OpusHead and OpusTags pages, then pages of 20 ms CELT silence frames (0xF8 0xFF 0xFE). The last
/// page's granule position trims the stream to the exact duration at 48 kHz, as RFC 7845 allows.
/// </summary>
internal static class OpusAudioWriter
{
    private const int GranuleRate = 48_000;
    private const int SamplesPerPacket = 960;
    private const int PacketsPerPage = 25;
    private static readonly byte[] SilentPacket = [0xF8, 0xFF, 0xFE];
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static IEnumerable<byte[]> Chunks(double seconds, ulong seed)
    {
        var serial = (uint)(seed ^ (seed >> 32));
        var granuleEnd = (long)Math.Round(seconds * GranuleRate);
        var packets = (granuleEnd + SamplesPerPacket - 1) / SamplesPerPacket;
        var sequence = 0u;

        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1;                                                        // version
        head[9] = 1;                                                        // channels
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), 0);       // pre-skip
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), 24_000);  // input rate, informational
        yield return Page([head], 0, serial, sequence++, beginning: true, end: packets == 0);

        var vendor = Encoding.ASCII.GetBytes("tokengate-simulator");
        var tags = new byte[8 + 4 + vendor.Length + 4];
        "OpusTags"u8.CopyTo(tags);
        BinaryPrimitives.WriteInt32LittleEndian(tags.AsSpan(8), vendor.Length);
        vendor.CopyTo(tags, 12);
        yield return Page([tags], 0, serial, sequence++, beginning: false, end: packets == 0);

        for (long first = 0; first < packets; first += PacketsPerPage)
        {
            var count = (int)Math.Min(PacketsPerPage, packets - first);
            var last = first + count == packets;
            var granule = last ? granuleEnd : (first + count) * SamplesPerPacket;
            yield return Page(Enumerable.Repeat(SilentPacket, count).ToArray(), granule, serial, sequence++, beginning: false, end: last);
        }
    }

    /// <summary>One Ogg page holding whole packets (each under 255 bytes, so one lacing value apiece).</summary>
    private static byte[] Page(byte[][] packets, long granule, uint serial, uint sequence, bool beginning, bool end)
    {
        var segments = new List<byte>();
        foreach (var packet in packets)
        {
            var left = packet.Length;
            while (left >= 255)
            {
                segments.Add(255);
                left -= 255;
            }

            segments.Add((byte)left);
        }

        var bodyLength = packets.Sum(p => p.Length);
        var page = new byte[27 + segments.Count + bodyLength];
        var span = page.AsSpan();
        "OggS"u8.CopyTo(span);
        span[4] = 0;
        span[5] = (byte)((beginning ? 0x02 : 0) | (end ? 0x04 : 0));
        BinaryPrimitives.WriteInt64LittleEndian(span[6..], granule);
        BinaryPrimitives.WriteUInt32LittleEndian(span[14..], serial);
        BinaryPrimitives.WriteUInt32LittleEndian(span[18..], sequence);
        span[26] = (byte)segments.Count;
        segments.CopyTo(page, 27);
        var offset = 27 + segments.Count;
        foreach (var packet in packets)
        {
            packet.CopyTo(page, offset);
            offset += packet.Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[22..], Crc(page));
        return page;
    }

    /// <summary>Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value and final XOR zero.</summary>
    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0u;
        foreach (var b in data)
        {
            crc = (crc << 8) ^ CrcTable[((crc >> 24) ^ b) & 0xFF];
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n << 24;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 0x8000_0000) != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1;
            }

            table[n] = c;
        }

        return table;
    }
}
