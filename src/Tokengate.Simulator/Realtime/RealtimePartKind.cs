namespace Tokengate.Simulator.Realtime;

/// <summary>A content part's kind, named per dialect when written (assistant parts: beta <c>text</c>/<c>audio</c>, GA <c>output_text</c>/<c>output_audio</c>).</summary>
internal enum RealtimePartKind
{
    InputText,
    InputAudio,
    InputImage,
    OutputText,
    OutputAudio,
}
