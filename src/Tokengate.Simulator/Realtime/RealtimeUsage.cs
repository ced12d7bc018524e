using System.Text.Json;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// A response's billed tokens by modality. Input is the whole conversation (and instructions and function
/// definitions) again on every response, as the service bills it; nothing is cached.
/// </summary>
internal readonly record struct RealtimeUsage(int InputTextTokens, int InputAudioTokens, int OutputTextTokens, int OutputAudioTokens)
{
    public int InputTokens => InputTextTokens + InputAudioTokens;

    public int OutputTokens => OutputTextTokens + OutputAudioTokens;

    public int TotalTokens => InputTokens + OutputTokens;

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject("usage"u8);
        w.WriteNumber("total_tokens"u8, TotalTokens);
        w.WriteNumber("input_tokens"u8, InputTokens);
        w.WriteNumber("output_tokens"u8, OutputTokens);
        w.WriteStartObject("input_token_details"u8);
        w.WriteNumber("text_tokens"u8, InputTextTokens);
        w.WriteNumber("audio_tokens"u8, InputAudioTokens);
        w.WriteNumber("image_tokens"u8, 0);
        w.WriteNumber("cached_tokens"u8, 0);
        w.WriteStartObject("cached_tokens_details"u8);
        w.WriteNumber("text_tokens"u8, 0);
        w.WriteNumber("audio_tokens"u8, 0);
        w.WriteNumber("image_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("output_token_details"u8);
        w.WriteNumber("text_tokens"u8, OutputTextTokens);
        w.WriteNumber("audio_tokens"u8, OutputAudioTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
