namespace Tokengate.Simulator.Media;

/// <summary>
/// Generated speech in each format, as chunks of about half a second of audio that a responder relays one at a time.
/// The length follows the request (see <c>SpeechResponder</c>); the content is a quiet tone for the PCM formats
/// and digital silence in the compressed ones, always valid for a decoder.
/// </summary>
internal static class SpeechAudio
{
    /// <summary>Sample rate of wav, pcm, aac and flac output (the service's 24 kHz).</summary>
    public const int SampleRate = 24_000;

    public static string ContentType(SpeechFormat format) => format switch
    {
        SpeechFormat.Opus => "audio/opus",
        SpeechFormat.Aac => "audio/aac",
        SpeechFormat.Flac => "audio/flac",
        SpeechFormat.Wav => "audio/wav",
        SpeechFormat.Pcm => "audio/pcm",
        _ => "audio/mpeg",
    };

    public static IEnumerable<byte[]> Chunks(SpeechFormat format, double seconds, ulong seed)
    {
        var samples = (long)Math.Round(seconds * SampleRate);
        return format switch
        {
            SpeechFormat.Wav => PcmAudioWriter.Chunks(samples, seed, wavHeader: true),
            SpeechFormat.Pcm => PcmAudioWriter.Chunks(samples, seed, wavHeader: false),
            SpeechFormat.Aac => AacAudioWriter.Chunks(samples),
            SpeechFormat.Flac => FlacAudioWriter.Chunks(samples),
            SpeechFormat.Opus => OpusAudioWriter.Chunks(seconds, seed),
            _ => Mp3AudioWriter.Chunks(seconds),
        };
    }
}
