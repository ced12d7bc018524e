using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Tokengate.IntegrationTests.Media;

/// <summary>Media files the tests upload: a WAV of a given length, a small PNG.</summary>
internal static class Fixtures
{
    /// <summary>PCM WAV, 16-bit mono at 24 kHz, a quiet tone <paramref name="seconds"/> long.</summary>
    public static byte[] Wav(double seconds, int rate = 24_000)
    {
        var samples = (int)(seconds * rate);
        var file = new byte[44 + (samples * 2)];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), file.Length - 8);
        "WAVEfmt "u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(34), 16);
        "data"u8.CopyTo(file.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(40), samples * 2);
        for (var i = 0; i < samples; i++)
            BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(44 + (i * 2)), (short)(2000 * Math.Sin(2 * Math.PI * 440 * i / rate)));
        return file;
    }

    /// <summary>A valid RGBA PNG of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static byte[] Png(int width = 64, int height = 64)
    {
        var raw = new byte[height * (1 + (width * 4))];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + (width * 4));
            for (var x = 0; x < width; x++)
            {
                raw[row + 1 + (x * 4)] = (byte)(x * 4);
                raw[row + 2 + (x * 4)] = (byte)(y * 4);
                raw[row + 4 + (x * 4)] = 255;
            }
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(raw);

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bit depth
        header[9] = 6;   // RGBA
        Chunk(png, "IHDR"u8, header);
        Chunk(png, "IDAT"u8, compressed.ToArray());
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        png.Write(type);
        png.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        Span<byte> sum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, crc.GetCurrentHashAsUInt32());
        png.Write(sum);
    }
}
