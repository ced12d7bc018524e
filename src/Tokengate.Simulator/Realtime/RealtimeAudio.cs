using System.Buffers.Binary;
using System.Text.Json;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// Audio sizes and the audio the simulator speaks. Audio is billed at 10 tokens per second; a generated word lasts
/// 0.4 s (4 audio tokens), so an audio answer's length follows its transcript.
/// </summary>
internal static class RealtimeAudio
{
    public const int TokensPerSecond = 10;

    /// <summary>Audio tokens spoken per transcript token.</summary>
    public const int TokensPerWord = 4;

    private const int PcmSampleRate = 24_000;
    private const int PcmBytesPerSecond = PcmSampleRate * 2;
    private const int G711BytesPerSecond = 8_000;

    // One word of pcm16: 0.4 s of a quiet 440 Hz tone, 176 whole cycles, so consecutive words join without a click.
    private static readonly Lazy<string> PcmWord = new(() => Convert.ToBase64String(Tone(BytesPerToken(RealtimeAudioFormat.Pcm16) * TokensPerWord)));

    // G.711 words are silence (0xFF in μ-law, 0xD5 in A-law): nobody listens to the simulator over a phone line.
    private static readonly Lazy<string> UlawWord = new(() => Convert.ToBase64String(Filled(0xFF)));
    private static readonly Lazy<string> AlawWord = new(() => Convert.ToBase64String(Filled(0xD5)));

    public static int BytesPerSecond(RealtimeAudioFormat format) => format == RealtimeAudioFormat.Pcm16 ? PcmBytesPerSecond : G711BytesPerSecond;

    public static int BytesPerToken(RealtimeAudioFormat format) => BytesPerSecond(format) / TokensPerSecond;

    /// <summary>Audio tokens of a clip: ceil(seconds × 10).</summary>
    public static int Tokens(long bytes, RealtimeAudioFormat format)
    {
        var perToken = BytesPerToken(format);
        return (int)((bytes + perToken - 1) / perToken);
    }

    public static double Seconds(long bytes, RealtimeAudioFormat format) => bytes / (double)BytesPerSecond(format);

    /// <summary>The bytes of one spoken word in <paramref name="format"/>.</summary>
    public static int WordBytes(RealtimeAudioFormat format) => BytesPerToken(format) * TokensPerWord;

    /// <summary>One spoken word, base64: every audio delta carries one.</summary>
    public static string WordBase64(RealtimeAudioFormat format) => format switch
    {
        RealtimeAudioFormat.G711Ulaw => UlawWord.Value,
        RealtimeAudioFormat.G711Alaw => AlawWord.Value,
        _ => PcmWord.Value,
    };

    /// <summary>The beta name of a format (<c>pcm16</c>, <c>g711_ulaw</c>, <c>g711_alaw</c>).</summary>
    public static string BetaName(RealtimeAudioFormat format) => format switch
    {
        RealtimeAudioFormat.G711Ulaw => "g711_ulaw",
        RealtimeAudioFormat.G711Alaw => "g711_alaw",
        _ => "pcm16",
    };

    public static bool TryParseBeta(string? name, out RealtimeAudioFormat format)
    {
        (var ok, format) = name switch
        {
            "pcm16" => (true, RealtimeAudioFormat.Pcm16),
            "g711_ulaw" => (true, RealtimeAudioFormat.G711Ulaw),
            "g711_alaw" => (true, RealtimeAudioFormat.G711Alaw),
            _ => (false, RealtimeAudioFormat.Pcm16),
        };
        return ok;
    }

    /// <summary>The GA format object: <c>{"type":"audio/pcm","rate":24000}</c>, <c>{"type":"audio/pcmu"}</c> or <c>{"type":"audio/pcma"}</c>.</summary>
    public static bool TryParseGA(JsonElement element, out RealtimeAudioFormat format)
    {
        format = RealtimeAudioFormat.Pcm16;
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (type.ValueEquals("audio/pcm"))
        {
            // Only 24 kHz exists; a rate, when sent, must say so.
            return !element.TryGetProperty("rate", out var rate) || (rate.ValueKind == JsonValueKind.Number && rate.TryGetInt32(out var hz) && hz == PcmSampleRate);
        }

        if (type.ValueEquals("audio/pcmu"))
        {
            format = RealtimeAudioFormat.G711Ulaw;
            return true;
        }

        if (type.ValueEquals("audio/pcma"))
        {
            format = RealtimeAudioFormat.G711Alaw;
            return true;
        }

        return false;
    }

    public static void WriteGA(Utf8JsonWriter w, ReadOnlySpan<byte> name, RealtimeAudioFormat format)
    {
        w.WriteStartObject(name);
        switch (format)
        {
            case RealtimeAudioFormat.G711Ulaw:
                w.WriteString("type"u8, "audio/pcmu"u8);
                break;
            case RealtimeAudioFormat.G711Alaw:
                w.WriteString("type"u8, "audio/pcma"u8);
                break;
            default:
                w.WriteString("type"u8, "audio/pcm"u8);
                w.WriteNumber("rate"u8, PcmSampleRate);
                break;
        }

        w.WriteEndObject();
    }

    private static byte[] Tone(int bytes)
    {
        var audio = new byte[bytes];
        for (var i = 0; i < bytes / 2; i++)
        {
            var sample = (short)Math.Round(3_000 * Math.Sin(2 * Math.PI * 440 * i / PcmSampleRate));
            BinaryPrimitives.WriteInt16LittleEndian(audio.AsSpan(i * 2), sample);
        }

        return audio;
    }

    private static byte[] Filled(byte value)
    {
        var audio = new byte[BytesPerToken(RealtimeAudioFormat.G711Ulaw) * TokensPerWord];
        Array.Fill(audio, value);
        return audio;
    }
}
