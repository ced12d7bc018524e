using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Media;

/// <summary>The image and audio operations, their routes, and which models serve them.</summary>
internal static class MediaOperations
{
    public static readonly SimulatedOperation ImageGenerations = new(ModelKind.Image, "ImageGenerations_Create", "imageGenerations");
    public static readonly SimulatedOperation ImageEdits = new(ModelKind.Image, "ImageEdits_Create", "imageEdits", Multipart: true);
    public static readonly SimulatedOperation Transcriptions = new(ModelKind.Transcription, "Transcriptions_Create", "audioTranscriptions", Multipart: true);
    public static readonly SimulatedOperation Translations = new(ModelKind.Transcription, "Translations_Create", "audioTranslations", Multipart: true);
    public static readonly SimulatedOperation Speech = new(ModelKind.Speech, "Speech_Create", "audioSpeech");

    /// <summary>Each operation's path below <c>/openai/deployments/{deployment}/</c> and <c>/openai/v1/</c>.</summary>
    public static readonly IReadOnlyList<(string Path, SimulatedOperation Operation)> Routes =
    [
        ("images/generations", ImageGenerations),
        ("images/edits", ImageEdits),
        ("audio/transcriptions", Transcriptions),
        ("audio/translations", Translations),
        ("audio/speech", Speech),
    ];

    /// <summary>
    /// Whether a model of the operation's kind serves it: gpt-4o-transcribe models do not translate, and dall-e-3
    /// does not edit. Non-media operations are decided by kind alone.
    /// </summary>
    public static bool IsServedBy(ModelInfo model, SimulatedOperation operation) =>
        !(operation == Translations && model.Media == MediaModelFamily.GptTranscribe)
        && !(operation == ImageEdits && model.Media == MediaModelFamily.DallE);
}
