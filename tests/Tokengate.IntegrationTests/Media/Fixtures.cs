using Tokengate.IntegrationTests.Simulator;
using Tokengate.Simulator.Media;

namespace Tokengate.IntegrationTests.Media;

/// <summary>Media files the gateway tests upload: a WAV of a given length, a small PNG.</summary>
internal static class Fixtures
{
    private const int SampleRate = 24_000;

    /// <summary>PCM WAV, 16-bit mono at 24 kHz, <paramref name="seconds"/> long.</summary>
    public static byte[] Wav(double seconds) => MediaTestFiles.Wav(SampleRate, (int)(seconds * SampleRate));

    /// <summary>A valid PNG of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static byte[] Png(int width = 64, int height = 64) => PngEncoder.Encode(width, height, new ImagePattern(seed: 7, bands: 3, transparent: false));
}
