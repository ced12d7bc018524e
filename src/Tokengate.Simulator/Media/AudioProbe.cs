using System.Buffers.Binary;

namespace Tokengate.Simulator.Media;

/// <summary>
/// How long an uploaded audio file plays, read from its container: WAV exactly (fmt and data chunks), FLAC exactly
/// (STREAMINFO sample count), MP3 by walking its frame headers (a Xing/Info frame is not counted). Anything else, or a
/// file those parsers reject, is estimated from its size at 128 kbit/s (16,000 bytes a second).
/// </summary>
internal static class AudioProbe
{
    /// <summary>The bytes per second the size estimate assumes (128 kbit/s).</summary>
    public const int EstimateBytesPerSecond = 16_000;

    private static readonly int[] Mpeg1Layer1 = [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448];
    private static readonly int[] Mpeg1Layer2 = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384];
    private static readonly int[] Mpeg1Layer3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Layer1 = [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256];
    private static readonly int[] Mpeg2Layer23 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    /// <summary>Duration in seconds and how it was found (<c>wav</c>, <c>flac</c>, <c>mp3</c> or <c>estimate</c>).</summary>
    public static (double Seconds, string Method) Duration(ReadOnlySpan<byte> data)
    {
        if (Wav(data) is double wav)
        {
            return (wav, "wav");
        }

        if (Flac(data) is double flac)
        {
            return (flac, "flac");
        }

        if (Mp3(data) is double mp3)
        {
            return (mp3, "mp3");
        }

        return ((double)data.Length / EstimateBytesPerSecond, "estimate");
    }

    private static double? Wav(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return null;
        }

        uint byteRate = 0;
        var i = 12;
        while (i + 8 <= data.Length)
        {
            var id = data.Slice(i, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            var body = i + 8;
            if (id.SequenceEqual("fmt "u8) && body + 12 <= data.Length)
            {
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(data[(body + 8)..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                // A streaming writer may leave the size unset (0 or 0xFFFFFFFF): then the data runs to the end.
                var available = (uint)(data.Length - body);
                var length = size == 0 || size > available ? available : size;
                return byteRate > 0 ? (double)length / byteRate : null;
            }

            i = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        return null;
    }

    private static double? Flac(ReadOnlySpan<byte> data)
    {
        if (data.Length < 42 || !data[..4].SequenceEqual("fLaC"u8) || (data[4] & 0x7F) != 0)
        {
            return null;
        }

        // STREAMINFO from byte 8: block sizes (4), frame sizes (6), then 20 bits rate, 3 channels, 5 depth, 36 samples.
        var packed = BinaryPrimitives.ReadUInt64BigEndian(data[18..]);
        var rate = (int)(packed >> 44);
        var samples = (long)(packed & 0xF_FFFF_FFFFUL);
        return rate > 0 && samples > 0 ? (double)samples / rate : null;
    }

    private static double? Mp3(ReadOnlySpan<byte> data)
    {
        var i = 0;
        if (data.Length >= 10 && data[..3].SequenceEqual("ID3"u8))
        {
            var tagSize = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9];
            i = 10 + tagSize + ((data[5] & 0x10) != 0 ? 10 : 0);
        }

        double seconds = 0;
        var frames = 0;
        while (i + 4 <= data.Length && Frame(data[i..]) is { } frame)
        {
            var (length, samples, rate) = frame;
            if (i + length > data.Length)
            {
                break;
            }

            // A leading Xing/Info frame carries the stream's metadata, not audio.
            var metadata = frames == 0 && (data.Slice(i, length).IndexOf("Xing"u8) >= 0 || data.Slice(i, length).IndexOf("Info"u8) >= 0);
            if (!metadata)
            {
                seconds += (double)samples / rate;
            }

            frames++;
            i += length;
        }

        return frames > 0 ? seconds : null;
    }

    /// <summary>Length in bytes, samples and sample rate of the MPEG audio frame starting the span, or null.</summary>
    private static (int Length, int Samples, int Rate)? Frame(ReadOnlySpan<byte> header)
    {
        if (header[0] != 0xFF || (header[1] & 0xE0) != 0xE0)
        {
            return null;
        }

        var version = (header[1] >> 3) & 3; // 0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1
        var layer = (header[1] >> 1) & 3;   // 1: III, 2: II, 3: I
        var bitrateIndex = header[2] >> 4;
        var rateIndex = (header[2] >> 2) & 3;
        var padding = (header[2] >> 1) & 1;
        if (version == 1 || layer == 0 || bitrateIndex is 0 or 15 || rateIndex == 3)
        {
            return null;
        }

        var mpeg1 = version == 3;
        var table = (mpeg1, layer) switch
        {
            (true, 3) => Mpeg1Layer1,
            (true, 2) => Mpeg1Layer2,
            (true, _) => Mpeg1Layer3,
            (false, 3) => Mpeg2Layer1,
            _ => Mpeg2Layer23,
        };
        var bitrate = table[bitrateIndex] * 1000;
        var rate = (rateIndex switch { 0 => 44_100, 1 => 48_000, _ => 32_000 }) >> (version switch { 3 => 0, 2 => 1, _ => 2 });
        if (layer == 3)
        {
            return ((((12 * bitrate) / rate) + padding) * 4, 384, rate);
        }

        var layer3Lsf = layer == 1 && !mpeg1;
        var samples = layer3Lsf ? 576 : 1152;
        var length = ((layer3Lsf ? 72 : 144) * bitrate / rate) + padding;
        return (length, samples, rate);
    }
}
