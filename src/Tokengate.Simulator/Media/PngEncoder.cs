using System.Buffers.Binary;
using System.IO.Compression;

namespace Tokengate.Simulator.Media;

/// <summary>
/// A minimal PNG writer: 8-bit RGB (or RGBA for transparent backgrounds), one IDAT chunk of zlib data, real CRCs.
/// Each band's first row is Sub-filtered (the colour, then zeros) and every other row Up-filtered (all zeros), so a
/// full 1536×1024 image deflates to a few kilobytes.
/// </summary>
internal static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(int width, int height, ImagePattern pattern)
    {
        var channels = pattern.Transparent ? 4 : 3;
        var rowBytes = width * channels;
        var row = new byte[rowBytes + 1];

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var previousBand = -1;
            for (var y = 0; y < height; y++)
            {
                var band = pattern.BandOf(y, height);
                if (band != previousBand)
                {
                    // Sub filter: the first pixel as is, every later pixel equal to its left neighbour (zero).
                    row.AsSpan().Clear();
                    row[0] = 1;
                    pattern.Color(band)[..channels].CopyTo(row.AsSpan(1));
                    zlib.Write(row);
                    row.AsSpan(1, channels).Clear();
                    previousBand = band;
                }
                else
                {
                    // Up filter: identical to the row above.
                    row[0] = 2;
                    zlib.Write(row);
                }
            }
        }

        using var png = new MemoryStream();
        png.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;                                   // bit depth
        header[9] = (byte)(pattern.Transparent ? 6 : 2); // colour type: RGBA or RGB
        header[10] = 0;                                  // deflate
        header[11] = 0;                                  // adaptive filtering
        header[12] = 0;                                  // no interlace
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Finish(Crc32.Append(Crc32.Append(Crc32.Initial, type), data)));
        output.Write(word);
    }
}
