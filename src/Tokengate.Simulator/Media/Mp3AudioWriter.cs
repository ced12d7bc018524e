namespace Tokengate.Simulator.Media;

/// <summary>
/// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz mono: frames of digital silence (empty side information, so no Huffman
/// data), padded the way encoders pad to keep the exact bit rate. The frame count is the duration's 1,152-sample
/// frames, rounded up.
/// </summary>
internal static class Mp3AudioWriter
{
    public const int SampleRate = 44_100;
    public const int SamplesPerFrame = 1_152;
    private const int Bitrate = 128_000;
    private const int FramesPerChunk = 20;

    public static int FrameCount(double seconds) => (int)Math.Ceiling((seconds * SampleRate / SamplesPerFrame) - 1e-9);

    public static IEnumerable<byte[]> Chunks(double seconds)
    {
        var frames = FrameCount(seconds);
        const int numerator = 144 * Bitrate;
        var remainder = 0;
        for (var first = 0; first < frames; first += FramesPerChunk)
        {
            var count = Math.Min(FramesPerChunk, frames - first);
            using var chunk = new MemoryStream();
            for (var f = 0; f < count; f++)
            {
                remainder += numerator % SampleRate;
                var padding = 0;
                if (remainder >= SampleRate)
                {
                    remainder -= SampleRate;
                    padding = 1;
                }

                var frame = new byte[(numerator / SampleRate) + padding];
                frame[0] = 0xFF;
                frame[1] = 0xFB;                            // MPEG-1, Layer III, no CRC
                frame[2] = (byte)(0x90 | (padding << 1));   // 128 kbit/s, 44.1 kHz
                frame[3] = 0xC0;                            // mono
                chunk.Write(frame);
            }

            yield return chunk.ToArray();
        }
    }
}
