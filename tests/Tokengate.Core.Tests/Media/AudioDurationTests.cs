using System.Buffers.Binary;

namespace Tokengate.Media;

/// <summary>Audio duration from container headers: WAV exactly, MP3 by frames or bit rate, anything else by size.</summary>
public sealed class AudioDurationTests
{
    /// <summary>A PCM WAV file: 16-bit mono at <paramref name="rate"/> Hz, <paramref name="seconds"/> long.</summary>
    internal static byte[] Wav(double seconds, int rate = 24_000, bool extraChunk = false)
    {
        var data = (int)(seconds * rate) * 2;
        var extra = extraChunk ? 8 + 6 : 0;
        var file = new byte[44 + extra + data];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), file.Length - 8);
        "WAVE"u8.CopyTo(file.AsSpan(8));
        "fmt "u8.CopyTo(file.AsSpan(12));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(34), 16);
        var at = 36;
        if (extraChunk)
        {
            "LIST"u8.CopyTo(file.AsSpan(at));
            BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(at + 4), 6);
            at += 14;
        }
        "data"u8.CopyTo(file.AsSpan(at));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(at + 4), data);
        return file;
    }

    /// <summary>Constant-bit-rate MPEG-1 Layer III: 128 kbit/s, 44.1 kHz, <paramref name="frames"/> frames of 417 bytes.</summary>
    private static byte[] Mp3(int frames, bool id3 = false)
    {
        var tag = id3 ? 10 + 20 : 0;
        var file = new byte[tag + (frames * 417)];
        if (id3)
        {
            "ID3"u8.CopyTo(file);
            file[3] = 4;
            file[9] = 20;
        }
        for (var i = 0; i < frames; i++)
        {
            var f = file.AsSpan(tag + (i * 417));
            f[0] = 0xFF;
            f[1] = 0xFB;  // MPEG-1, Layer III, no CRC
            f[2] = 0x90;  // 128 kbit/s, 44.1 kHz, no padding
            f[3] = 0xC4;  // mono
        }
        return file;
    }

    [Theory]
    [InlineData(1.0, 24_000, false)]
    [InlineData(2.5, 16_000, true)]
    [InlineData(60, 44_100, false)]
    public void Wav_ExactFromHeader(double seconds, int rate, bool extraChunk)
    {
        var (measured, fromHeader) = AudioDuration.Measure(Wav(seconds, rate, extraChunk));
        Assert.True(fromHeader);
        Assert.Equal(seconds, measured, 3);
    }

    [Fact]
    public void Mp3_ConstantBitRate_FromFrameHeader()
    {
        // 383 frames of 1152 samples at 44.1 kHz: 10.0 s, and 383 × 417 bytes at 128 kbit/s says the same.
        var (measured, fromHeader) = AudioDuration.Measure(Mp3(383, id3: true));
        Assert.True(fromHeader);
        Assert.Equal(383 * 417 * 8 / 128_000.0, measured, 3);
    }

    [Fact]
    public void Mp3_XingHeader_FrameCountWins()
    {
        var file = Mp3(10);
        // Mono MPEG-1: the Xing tag follows 4 header bytes and 17 of side information.
        "Xing"u8.CopyTo(file.AsSpan(21));
        file[28] = 0x1;  // the frames field is present
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(29), 3_828);
        var (measured, fromHeader) = AudioDuration.Measure(file);
        Assert.True(fromHeader);
        Assert.Equal(3_828 * 1152 / 44_100.0, measured, 3);
    }

    [Fact]
    public void Unknown_EstimatedFromSize()
    {
        var (measured, fromHeader) = AudioDuration.Measure(new byte[160_000]);
        Assert.False(fromHeader);
        Assert.Equal(160_000 * 8.0 / AudioDuration.AssumedBitsPerSecond, measured, 3);
    }
}
