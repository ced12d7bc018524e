using System.Buffers.Binary;

namespace Tokengate.Simulator.Media;

/// <summary>
/// A minimal lossless WebP (VP8L) writer: no transforms, no colour cache, and five one-symbol prefix codes, so every
/// pixel is the pattern's middle band colour and costs zero bits. The file is about 30 bytes at any size.
/// </summary>
internal static class WebpEncoder
{
    public static byte[] Encode(int width, int height, ImagePattern pattern)
    {
        var color = pattern.Color(pattern.Bands / 2);
        var bits = new LsbBitWriter();
        bits.Write(0x2F, 8);               // VP8L signature
        bits.Write(width - 1, 14);
        bits.Write(height - 1, 14);
        bits.Write(pattern.Transparent ? 1 : 0, 1);
        bits.Write(0, 3);                  // version
        bits.Write(0, 1);                  // no transform
        bits.Write(0, 1);                  // no colour cache
        bits.Write(0, 1);                  // no meta prefix codes
        var alpha = pattern.Transparent ? (byte)0x80 : (byte)0xFF;
        foreach (var symbol in (ReadOnlySpan<int>)[color[1], color[0], color[2], alpha, 0])
        {
            // Green, red, blue, alpha, distance: each a "simple" code with a single symbol.
            bits.Write(1, 1);
            bits.Write(0, 1);
            if (symbol > 1)
            {
                bits.Write(1, 1);
                bits.Write(symbol, 8);
            }
            else
            {
                bits.Write(0, 1);
                bits.Write(symbol, 1);
            }
        }

        var payload = bits.ToArray();
        var padded = payload.Length + (payload.Length & 1);
        var file = new byte[12 + 8 + padded];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), file.Length - 8);
        "WEBP"u8.CopyTo(file.AsSpan(8));
        "VP8L"u8.CopyTo(file.AsSpan(12));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), payload.Length);
        payload.CopyTo(file.AsSpan(20));
        return file;
    }
}
