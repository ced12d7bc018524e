namespace Tokengate.Simulator.Media;

/// <summary>The audio formats speech answers in (<c>response_format</c>).</summary>
internal enum SpeechFormat
{
    Mp3,
    Opus,
    Aac,
    Flac,
    Wav,
    Pcm,
}
