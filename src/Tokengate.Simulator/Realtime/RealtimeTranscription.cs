using System.Text.Json;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// The input transcription of a committed audio turn: deterministic words (about three per second, seeded by the
/// audio) and the transcription model's usage. Whisper models bill duration (<c>{type:"duration", seconds}</c>);
/// the others bill tokens (<c>{type:"tokens", input_tokens, input_token_details{audio_tokens, text_tokens},
/// output_tokens, total_tokens}</c>), the audio at ceil(seconds × 10) and the transcription prompt as text.
/// </summary>
internal sealed record RealtimeTranscription(string Transcript, bool Duration, double Seconds, int AudioTokens, int PromptTokens, int OutputTokens)
{
    private const double WordsPerSecond = 3;

    public int InputTokens => AudioTokens + PromptTokens;

    /// <summary>
    /// Transcribes <paramref name="audio"/>. On Azure the transcription <c>model</c> names a deployment; when it
    /// names one of this simulator's deployments, that deployment's model decides the usage kind.
    /// </summary>
    public static RealtimeTranscription Create(SimulatorRuntime runtime, TextGenerator words, Microsoft.ML.Tokenizers.Tokenizer tokenizer,
        string model, string? prompt, ReadOnlySpan<byte> audio, RealtimeAudioFormat format)
    {
        var resolved = runtime.Deployments.TryGet(model, out var deployment) ? deployment.Snapshot.Options.Model : model;
        var seconds = RealtimeAudio.Seconds(audio.Length, format);
        var seed = Fnv1a.Append(Fnv1a.Offset, audio.Length);
        foreach (var b in audio)
        {
            seed = Fnv1a.Append(seed, b);
        }

        var text = words.Generate(seed, Math.Max(1, (int)Math.Ceiling(seconds * WordsPerSecond)), null);
        return new RealtimeTranscription(
            text.Text,
            resolved.Contains("whisper", StringComparison.OrdinalIgnoreCase),
            seconds,
            RealtimeAudio.Tokens(audio.Length, format),
            string.IsNullOrEmpty(prompt) ? 0 : tokenizer.CountTokens(prompt),
            text.TokenCount);
    }

    public void WriteUsage(Utf8JsonWriter w)
    {
        w.WriteStartObject("usage"u8);
        if (Duration)
        {
            w.WriteString("type"u8, "duration"u8);
            w.WriteNumber("seconds"u8, Math.Round(Seconds, 3));
        }
        else
        {
            w.WriteString("type"u8, "tokens"u8);
            w.WriteNumber("input_tokens"u8, InputTokens);
            w.WriteStartObject("input_token_details"u8);
            w.WriteNumber("audio_tokens"u8, AudioTokens);
            w.WriteNumber("text_tokens"u8, PromptTokens);
            w.WriteEndObject();
            w.WriteNumber("output_tokens"u8, OutputTokens);
            w.WriteNumber("total_tokens"u8, InputTokens + OutputTokens);
        }

        w.WriteEndObject();
    }
}
