using Tokengate.Simulator.Deployments;

namespace Tokengate.Simulator.Media;

/// <summary>Recognises media models by the deployment's model name (name and version, as deployments report them).</summary>
internal static class MediaModels
{
    public static MediaModelFamily FamilyOf(ReadOnlySpan<char> model)
    {
        if (model.StartsWith("dall-e", StringComparison.OrdinalIgnoreCase)) return MediaModelFamily.DallE;
        if (model.StartsWith("gpt-image", StringComparison.OrdinalIgnoreCase)) return MediaModelFamily.GptImage;
        if (model.StartsWith("whisper", StringComparison.OrdinalIgnoreCase)) return MediaModelFamily.Whisper;
        if (model.StartsWith("tts-", StringComparison.OrdinalIgnoreCase)) return MediaModelFamily.Tts;
        if (model.StartsWith("gpt-", StringComparison.OrdinalIgnoreCase))
        {
            if (model.Contains("-transcribe", StringComparison.OrdinalIgnoreCase)) return MediaModelFamily.GptTranscribe;
            if (model.Contains("-tts", StringComparison.OrdinalIgnoreCase)) return MediaModelFamily.GptTts;
        }

        return MediaModelFamily.None;
    }

    public static ModelKind KindOf(MediaModelFamily family) => family switch
    {
        MediaModelFamily.DallE or MediaModelFamily.GptImage => ModelKind.Image,
        MediaModelFamily.Whisper or MediaModelFamily.GptTranscribe => ModelKind.Transcription,
        MediaModelFamily.Tts or MediaModelFamily.GptTts => ModelKind.Speech,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Not a media model family."),
    };
}
