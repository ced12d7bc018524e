namespace Tokengate.Simulator.Realtime;

/// <summary>The server event and content-part names that differ between the two dialects.</summary>
/// <param name="ItemCreated">An item entered the conversation (beta <c>conversation.item.created</c>, GA <c>conversation.item.added</c>).</param>
/// <param name="ItemDone">GA only: the item is final (<c>conversation.item.done</c>); null in beta.</param>
/// <param name="TextDelta">A text answer's token (GA <c>response.output_text.delta</c>).</param>
/// <param name="TextDone">A text answer's end, with the whole text.</param>
/// <param name="AudioDelta">An audio answer's chunk of base64 audio (GA <c>response.output_audio.delta</c>).</param>
/// <param name="AudioDone">An audio answer's end.</param>
/// <param name="TranscriptDelta">An audio answer's transcript token (GA <c>response.output_audio_transcript.delta</c>).</param>
/// <param name="TranscriptDone">An audio answer's end, with the whole transcript.</param>
/// <param name="OutputTextPart">The content type of an assistant text part inside an item.</param>
/// <param name="OutputAudioPart">The content type of an assistant audio part inside an item.</param>
internal sealed record RealtimeEventNames(
    string ItemCreated,
    string? ItemDone,
    string TextDelta,
    string TextDone,
    string AudioDelta,
    string AudioDone,
    string TranscriptDelta,
    string TranscriptDone,
    string OutputTextPart,
    string OutputAudioPart)
{
    public static readonly RealtimeEventNames Beta = new(
        "conversation.item.created", null,
        "response.text.delta", "response.text.done",
        "response.audio.delta", "response.audio.done",
        "response.audio_transcript.delta", "response.audio_transcript.done",
        "text", "audio");

    public static readonly RealtimeEventNames GA = new(
        "conversation.item.added", "conversation.item.done",
        "response.output_text.delta", "response.output_text.done",
        "response.output_audio.delta", "response.output_audio.done",
        "response.output_audio_transcript.delta", "response.output_audio_transcript.done",
        "output_text", "output_audio");

    public static RealtimeEventNames For(RealtimeDialect dialect) => dialect == RealtimeDialect.GA ? GA : Beta;
}
