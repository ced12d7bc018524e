using System.Buffers.Binary;

namespace Tokengate.Simulator.Media;

/// <summary>
/// 16-bit little-endian mono PCM at 24 kHz: a soft tone whose pitch comes from the seed, pulsing four times a second
/// like syllables. With <c>wavHeader</c> it is preceded by a 44-byte RIFF/WAVE header that states the exact length.
/// </summary>
internal static class PcmAudioWriter
{
    private const int ChunkSamples = SpeechAudio.SampleRate / 2;
    private const double Amplitude = 1_500;

    public static IEnumerable<byte[]> Chunks(long samples, ulong seed, bool wavHeader)
    {
        var dataBytes = samples * 2;
        if (wavHeader)
        {
            yield return Header(dataBytes);
        }

        var frequency = 160 + (double)(seed % 120);
        for (long start = 0; start < samples; start += ChunkSamples)
        {
            var count = (int)Math.Min(ChunkSamples, samples - start);
            var chunk = new byte[count * 2];
            for (var i = 0; i < count; i++)
            {
                var t = (double)(start + i) / SpeechAudio.SampleRate;
                var envelope = 0.5 - (0.5 * Math.Cos(2 * Math.PI * 4 * t));
                var value = (short)Math.Round(Amplitude * envelope * Math.Sin(2 * Math.PI * frequency * t));
                BinaryPrimitives.WriteInt16LittleEndian(chunk.AsSpan(i * 2), value);
            }

            yield return chunk;
        }
    }

    private static byte[] Header(long dataBytes)
    {
        var header = new byte[44];
        var span = header.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)Math.Min(uint.MaxValue, 36 + dataBytes));
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1);                          // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1);                          // mono
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], SpeechAudio.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], SpeechAudio.SampleRate * 2); // byte rate
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 2);                          // block align
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);                         // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)Math.Min(uint.MaxValue, dataBytes));
        return header;
    }
}
