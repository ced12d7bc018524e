using System.Buffers.Binary;

namespace Tokengate.Simulator.Media;

/// <summary>Reads an uploaded image's pixel size from its header: PNG (IHDR), JPEG (the SOF marker) or WebP.</summary>
internal static class ImageDimensions
{
    /// <summary>Width, height and format, or null when the bytes are none of the three formats.</summary>
    public static (int Width, int Height, ImageFormat Format)? Read(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 24 && data[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return Valid(BinaryPrimitives.ReadInt32BigEndian(data[16..]), BinaryPrimitives.ReadInt32BigEndian(data[20..]), ImageFormat.Png);
        }

        if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8)
        {
            return ReadJpeg(data);
        }

        if (data.Length >= 30 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ReadWebp(data);
        }

        return null;
    }

    private static (int, int, ImageFormat)? ReadJpeg(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF)
            {
                return null;
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2; // markers without a length
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);

            // Start of frame, any coding (C0..CF but not DHT C4, JPG C8, DAC CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return i + 9 <= data.Length
                    ? Valid(BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]), ImageFormat.Jpeg)
                    : null;
            }

            i += 2 + length;
        }

        return null;
    }

    private static (int, int, ImageFormat)? ReadWebp(ReadOnlySpan<byte> data)
    {
        var chunk = data.Slice(12, 4);
        if (chunk.SequenceEqual("VP8L"u8) && data[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return Valid((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1, ImageFormat.Webp);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            var width = data[24] | (data[25] << 8) | (data[26] << 16);
            var height = data[27] | (data[28] << 8) | (data[29] << 16);
            return Valid(width + 1, height + 1, ImageFormat.Webp);
        }

        if (chunk.SequenceEqual("VP8 "u8) && data[23] == 0x9D && data[24] == 0x01 && data[25] == 0x2A)
        {
            return Valid(BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF, ImageFormat.Webp);
        }

        return null;
    }

    private static (int, int, ImageFormat)? Valid(int width, int height, ImageFormat format) =>
        width > 0 && height > 0 ? (width, height, format) : null;
}
