using System.Text.Json;
using Tokengate.Accounting;
using Tokengate.Proxy;

namespace Tokengate.Realtime;

/// <summary>
/// Reads the few server events the gateway needs, once whole: the usage of <c>response.done</c>
/// (<c>response.usage</c>) and of an input transcription (<c>usage</c>: tokens by modality, or seconds), and the
/// model and input transcription model a <c>session.created</c> / <c>session.updated</c> names (beta:
/// <c>session.input_audio_transcription.model</c>, GA: <c>session.audio.input.transcription.model</c>).
/// </summary>
internal static class RealtimeEventReader
{
    /// <summary>What a transcription configured without a model is billed as, as the service does.</summary>
    public const string DefaultTranscriptionModel = "whisper-1";

    /// <summary>The usage an event reports; false when it has none (a response that failed before it started).</summary>
    public static bool TryReadUsage(ReadOnlySpan<byte> json, RealtimeEventKind kind, out UsageCounts usage)
    {
        usage = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (kind == RealtimeEventKind.ResponseDone && reader.ValueTextEquals("response"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject) return false;
                    return ReadUsageMember(ref reader, out usage);
                }
                if (kind == RealtimeEventKind.TranscriptionCompleted && reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.StartObject && UsageReader.ReadObject(ref reader, out usage);
                }
                reader.Read();
                reader.Skip();
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Updates <paramref name="model"/> and <paramref name="transcriptionModel"/> from a session event: each only when
    /// the session names it (a transcription set to null is off again).
    /// </summary>
    public static void ReadSession(ReadOnlySpan<byte> json, ref string? model, ref string? transcriptionModel)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("session"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject) return;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("model"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String) model = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("input_audio_transcription"u8))
                    {
                        reader.Read();
                        transcriptionModel = ReadTranscription(ref reader);
                    }
                    else if (reader.ValueTextEquals("audio"u8))
                    {
                        reader.Read();
                        ReadAudio(ref reader, ref transcriptionModel);
                    }
                    else
                    {
                        reader.Read();
                    }
                    reader.Skip();
                }
                return;
            }
        }
        catch (JsonException)
        {
            // An unreadable session event changes nothing.
        }
    }

    /// <summary>Reads the <c>usage</c> member of the object the reader is on; false when it is missing or null.</summary>
    private static bool ReadUsageMember(ref Utf8JsonReader reader, out UsageCounts usage)
    {
        usage = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.StartObject && UsageReader.ReadObject(ref reader, out usage);
            }
            reader.Read();
            reader.Skip();
        }
        return false;
    }

    /// <summary>A transcription setting (the reader on its value): its model, the default one when it names none, null when off.</summary>
    private static string? ReadTranscription(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return null;
        string? model = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            if (reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String) model = reader.GetString();
                continue;
            }
            reader.Read();
            reader.Skip();
        }
        return string.IsNullOrEmpty(model) ? DefaultTranscriptionModel : model;
    }

    /// <summary>GA's <c>session.audio</c> (the reader on its value): <c>input.transcription</c>, if it names one; the reader is left on the value's end.</summary>
    private static void ReadAudio(ref Utf8JsonReader reader, ref string? transcriptionModel)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("input"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject) continue;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTranscription = reader.ValueTextEquals("transcription"u8);
                reader.Read();
                if (isTranscription) transcriptionModel = ReadTranscription(ref reader);
                else reader.Skip();
            }
        }
    }
}
