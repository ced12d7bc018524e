namespace Tokengate.Simulator.Media;

/// <summary>
/// AAC-LC in ADTS frames, 24 kHz mono: each frame a 7-byte header and the 4-byte raw block of a silent single
/// channel element (no sections, then END), 1,024 samples a frame.
/// </summary>
internal static class AacAudioWriter
{
    public const int SamplesPerFrame = 1_024;
    private const int FramesPerChunk = 12;
    private const int FrameLength = 11;

    // Single channel element with global gain 160 and max_sfb 0, then the END element.
    private static readonly byte[] SilentBlock = [0x01, 0x40, 0x20, 0x07];

    public static IEnumerable<byte[]> Chunks(long samples)
    {
        var frames = (samples + SamplesPerFrame - 1) / SamplesPerFrame;
        for (long first = 0; first < frames; first += FramesPerChunk)
        {
            var count = (int)Math.Min(FramesPerChunk, frames - first);
            var chunk = new byte[count * FrameLength];
            for (var f = 0; f < count; f++)
            {
                var frame = chunk.AsSpan(f * FrameLength, FrameLength);
                frame[0] = 0xFF;
                frame[1] = 0xF1;                                    // MPEG-4, no CRC
                frame[2] = (1 << 6) | (6 << 2);                     // AAC LC, 24 kHz
                frame[3] = (1 << 6) | (FrameLength >> 11);          // mono
                frame[4] = (byte)((FrameLength >> 3) & 0xFF);
                frame[5] = (byte)(((FrameLength & 7) << 5) | 0x1F); // buffer fullness 0x7FF (variable rate)
                frame[6] = 0xFC;                                    // one raw data block
                SilentBlock.CopyTo(frame[7..]);
            }

            yield return chunk;
        }
    }
}
