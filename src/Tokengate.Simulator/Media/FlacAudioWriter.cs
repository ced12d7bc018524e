using System.Buffers.Binary;

namespace Tokengate.Simulator.Media;

/// <summary>
/// FLAC, 24 kHz, 16-bit mono: the <c>fLaC</c> marker, a STREAMINFO block stating the exact sample count, then
/// fixed-blocksize frames of 4,096 samples (the last one shorter), each holding one CONSTANT subframe of silence,
/// with the CRC-8 header and CRC-16 frame checks a decoder verifies.
/// </summary>
internal static class FlacAudioWriter
{
    public const int BlockSize = 4_096;
    private const int FramesPerChunk = 3;

    public static IEnumerable<byte[]> Chunks(long samples)
    {
        yield return StreamHeader(samples);
        var frames = (samples + BlockSize - 1) / BlockSize;
        for (long first = 0; first < frames; first += FramesPerChunk)
        {
            using var chunk = new MemoryStream();
            for (var f = first; f < Math.Min(frames, first + FramesPerChunk); f++)
            {
                chunk.Write(Frame(f, (int)Math.Min(BlockSize, samples - (f * BlockSize))));
            }

            yield return chunk.ToArray();
        }
    }

    private static byte[] StreamHeader(long samples)
    {
        var header = new byte[4 + 4 + 34];
        var span = header.AsSpan();
        "fLaC"u8.CopyTo(span);
        span[4] = 0x80;                                                     // last metadata block, STREAMINFO
        span[7] = 34;
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], BlockSize);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], BlockSize);
        // Frame sizes (6 bytes) unknown: zero. Then rate (20 bits), channels − 1 (3), depth − 1 (5), samples (36).
        var packed = ((ulong)SpeechAudio.SampleRate << 44) | (0UL << 41) | (15UL << 36) | ((ulong)samples & 0xF_FFFF_FFFFUL);
        BinaryPrimitives.WriteUInt64BigEndian(span[18..], packed);
        // MD5 of the audio left zero: "not computed", which decoders accept.
        return header;
    }

    private static byte[] Frame(long number, int blockSize)
    {
        var frame = new List<byte>(16) { 0xFF, 0xF8 };                      // sync, fixed block size
        var full = blockSize == BlockSize;
        frame.Add((byte)(((full ? 0b1100 : 0b0111) << 4) | 0b0111));       // 4,096 or "16-bit at end"; 24 kHz
        frame.Add(0b0000_1000);                                             // mono, 16-bit samples
        AppendCodedNumber(frame, number);
        if (!full)
        {
            frame.Add((byte)((blockSize - 1) >> 8));
            frame.Add((byte)(blockSize - 1));
        }

        frame.Add(Crc8(frame));
        frame.Add(0x00);                                                    // CONSTANT subframe, no wasted bits
        frame.Add(0x00);                                                    // the constant: 0
        frame.Add(0x00);
        var crc = Crc16(frame);
        frame.Add((byte)(crc >> 8));
        frame.Add((byte)crc);
        return [.. frame];
    }

    /// <summary>The frame number in FLAC's extended UTF-8 coding.</summary>
    private static void AppendCodedNumber(List<byte> output, long value)
    {
        if (value < 0x80)
        {
            output.Add((byte)value);
            return;
        }

        var continuation = 1;
        while (value >= 1L << ((continuation * 5) + 6))
        {
            continuation++;
        }

        var lead = (byte)(0xFF << (7 - continuation));
        output.Add((byte)(lead | (value >> (6 * continuation))));
        for (var i = continuation - 1; i >= 0; i--)
        {
            output.Add((byte)(0x80 | ((value >> (6 * i)) & 0x3F)));
        }
    }

    private static byte Crc8(List<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
            }
        }

        return (byte)crc;
    }

    private static ushort Crc16(List<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b << 8;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
            }
        }

        return (ushort)crc;
    }
}
