using System.Buffers.Binary;

namespace Tokengate.Media;

/// <summary>
/// The duration of an uploaded audio file from its container header, for models that report no usage: WAV exactly
/// (data size over byte rate), MP3 from its first frame (the frame count of a Xing/Info or VBRI header when there
/// is one, else the stream's size over its constant bit rate). Other containers are estimated from their size at
/// <see cref="AssumedBitsPerSecond"/>, the rate the APIs' common uploads (speech at 128 kbit/s) come close to.
/// </summary>
internal static class AudioDuration
{
    /// <summary>The bit rate a file of an unread container is assumed to have.</summary>
    public const int AssumedBitsPerSecond = 128_000;

    private static readonly int[] Mpeg1Layer3Kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
    private static readonly int[] Mpeg2Layer3Kbps = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
    private static readonly int[] Mpeg1Rates = [44_100, 48_000, 32_000, 0];

    /// <summary>Seconds of audio in <paramref name="file"/>, and whether they were read from a header rather than estimated.</summary>
    public static (double Seconds, bool FromHeader) Measure(ReadOnlySpan<byte> file)
    {
        if (TryWav(file, out var seconds) || TryMp3(file, out seconds)) return (seconds, true);
        return (file.Length * 8.0 / AssumedBitsPerSecond, false);
    }

    private static bool TryWav(ReadOnlySpan<byte> file, out double seconds)
    {
        seconds = 0;
        if (file.Length < 12 || !file.StartsWith("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8)) return false;
        var byteRate = 0u;
        var at = 12;
        while (at + 8 <= file.Length)
        {
            var id = file.Slice(at, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(at + 4, 4));
            if (id.SequenceEqual("fmt "u8) && size >= 16 && at + 8 + 16 <= file.Length)
            {
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(at + 8 + 8, 4));
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (byteRate == 0) return false;
                // A streamed WAV may say 0 or 0xFFFFFFFF: the rest of the file is its data.
                var available = (uint)(file.Length - at - 8);
                var data = size == 0 || size > available ? available : size;
                seconds = data / (double)byteRate;
                return true;
            }
            at += 8 + (int)Math.Min(size + (size & 1), int.MaxValue - at - 8);
        }
        return false;
    }

    private static bool TryMp3(ReadOnlySpan<byte> file, out double seconds)
    {
        seconds = 0;
        var at = 0;
        // An ID3v2 tag first: 10 bytes of header, then a synchsafe size.
        if (file.Length >= 10 && file.StartsWith("ID3"u8))
        {
            at = 10 + ((file[6] & 0x7F) << 21 | (file[7] & 0x7F) << 14 | (file[8] & 0x7F) << 7 | (file[9] & 0x7F));
        }
        // The first frame sync within a few KB of where it should be.
        var limit = Math.Min(file.Length - 4, at + 4096);
        for (; at < limit; at++)
        {
            if (file[at] == 0xFF && (file[at + 1] & 0xE0) == 0xE0 && TryFrame(file[at..], out var frame))
            {
                var frames = FrameCount(file[at..], frame);
                seconds = frames is { } count
                    ? count * (double)frame.SamplesPerFrame / frame.SampleRate
                    : (file.Length - at) * 8.0 / frame.BitRate;
                return true;
            }
        }
        return false;
    }

    private static bool TryFrame(ReadOnlySpan<byte> header, out Frame frame)
    {
        frame = default;
        var version = (header[1] >> 3) & 0x3;   // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        var layer = (header[1] >> 1) & 0x3;     // 1: Layer III
        var bitrateIndex = (header[2] >> 4) & 0xF;
        var rateIndex = (header[2] >> 2) & 0x3;
        if (version == 1 || layer != 1 || bitrateIndex is 0 or 15 || rateIndex == 3) return false;
        var mpeg1 = version == 3;
        var kbps = mpeg1 ? Mpeg1Layer3Kbps[bitrateIndex] : Mpeg2Layer3Kbps[bitrateIndex];
        var rate = Mpeg1Rates[rateIndex] / (mpeg1 ? 1 : version == 2 ? 2 : 4);
        var mono = ((header[3] >> 6) & 0x3) == 3;
        frame = new Frame(kbps * 1000, rate, mpeg1 ? 1152 : 576, mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
        return true;
    }

    /// <summary>The frame count a VBR header (Xing/Info after the side information, or VBRI at 32) states, if any.</summary>
    private static long? FrameCount(ReadOnlySpan<byte> stream, Frame frame)
    {
        var xing = 4 + frame.SideInfoBytes;
        if (stream.Length >= xing + 12)
        {
            var tag = stream.Slice(xing, 4);
            if ((tag.SequenceEqual("Xing"u8) || tag.SequenceEqual("Info"u8)) && (stream[xing + 7] & 0x1) != 0)
                return BinaryPrimitives.ReadUInt32BigEndian(stream.Slice(xing + 8, 4));
        }
        if (stream.Length >= 36 + 18 && stream.Slice(36, 4).SequenceEqual("VBRI"u8))
            return BinaryPrimitives.ReadUInt32BigEndian(stream.Slice(36 + 14, 4));
        return null;
    }

    private readonly record struct Frame(int BitRate, int SampleRate, int SamplesPerFrame, int SideInfoBytes);
}
