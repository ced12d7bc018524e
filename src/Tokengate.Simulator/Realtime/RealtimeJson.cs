using System.Text.Json;

namespace Tokengate.Simulator.Realtime;

/// <summary>The objects inside server events (session, item, response), in each dialect's shape.</summary>
internal static class RealtimeJson
{
    public static void WriteSession(Utf8JsonWriter w, RealtimeSessionInfo info, RealtimeSessionConfig config, RealtimeDialect dialect)
    {
        w.WriteStartObject("session"u8);
        if (dialect == RealtimeDialect.GA)
        {
            w.WriteString("type"u8, "realtime"u8);
        }

        w.WriteString("object"u8, "realtime.session"u8);
        w.WriteString("id"u8, info.Id);
        w.WriteString("model"u8, info.Model);
        w.WriteNumber("expires_at"u8, info.ExpiresAt);
        WriteModalities(w, config, dialect);
        w.WriteString("instructions"u8, config.Instructions);
        if (dialect == RealtimeDialect.GA)
        {
            w.WriteStartObject("audio"u8);
            w.WriteStartObject("input"u8);
            RealtimeAudio.WriteGA(w, "format"u8, config.InputFormat);
            w.WritePropertyName("transcription"u8);
            config.Transcription.WriteTo(w);
            w.WritePropertyName("noise_reduction"u8);
            config.NoiseReduction.WriteTo(w);
            w.WritePropertyName("turn_detection"u8);
            config.TurnDetection.WriteTo(w);
            w.WriteEndObject();
            w.WriteStartObject("output"u8);
            RealtimeAudio.WriteGA(w, "format"u8, config.OutputFormat);
            w.WriteString("voice"u8, config.Voice);
            w.WriteNumber("speed"u8, config.Speed);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("voice"u8, config.Voice);
            w.WriteString("input_audio_format"u8, RealtimeAudio.BetaName(config.InputFormat));
            w.WriteString("output_audio_format"u8, RealtimeAudio.BetaName(config.OutputFormat));
            w.WritePropertyName("input_audio_transcription"u8);
            config.Transcription.WriteTo(w);
            w.WritePropertyName("turn_detection"u8);
            config.TurnDetection.WriteTo(w);
            w.WritePropertyName("input_audio_noise_reduction"u8);
            config.NoiseReduction.WriteTo(w);
            w.WriteNumber("temperature"u8, config.Temperature);
            w.WriteNumber("speed"u8, config.Speed);
        }

        w.WritePropertyName("tools"u8);
        config.Tools.WriteTo(w);
        w.WritePropertyName("tool_choice"u8);
        config.ToolChoice.WriteTo(w);
        WriteMaxTokens(w, dialect == RealtimeDialect.GA ? "max_output_tokens"u8 : "max_response_output_tokens"u8, config.MaxOutputTokens);
        w.WritePropertyName("tracing"u8);
        config.Tracing.WriteTo(w);
        if (dialect == RealtimeDialect.GA)
        {
            w.WritePropertyName("truncation"u8);
            config.Truncation.WriteTo(w);
            w.WritePropertyName("prompt"u8);
            config.Prompt.WriteTo(w);
        }

        w.WritePropertyName("include"u8);
        config.Include.WriteTo(w);
        w.WriteEndObject();
    }

    /// <summary>An item as events show it: every field but audio bytes.</summary>
    public static void WriteItem(Utf8JsonWriter w, ReadOnlySpan<byte> name, RealtimeItem item, RealtimeEventNames names)
    {
        w.WriteStartObject(name);
        WriteItemFields(w, item, names);
        w.WriteEndObject();
    }

    public static void WriteResponse(Utf8JsonWriter w, RealtimeResponse response, RealtimeDialect dialect, bool final)
    {
        var names = RealtimeEventNames.For(dialect);
        var config = response.Config;
        w.WriteStartObject("response"u8);
        w.WriteString("object"u8, "realtime.response"u8);
        w.WriteString("id"u8, response.Id);
        w.WriteString("status"u8, response.Status);
        WriteStatusDetails(w, response);
        w.WriteStartArray("output"u8);
        if (final && response.Item is { } item)
        {
            w.WriteStartObject();
            WriteItemFields(w, item, names);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (response.ConversationId is { } conversation)
        {
            w.WriteString("conversation_id"u8, conversation);
        }
        else
        {
            w.WriteNull("conversation_id"u8);
        }

        WriteModalities(w, config, dialect);
        if (dialect == RealtimeDialect.GA)
        {
            w.WriteStartObject("audio"u8);
            w.WriteStartObject("output"u8);
            RealtimeAudio.WriteGA(w, "format"u8, config.OutputFormat);
            w.WriteString("voice"u8, config.Voice);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("voice"u8, config.Voice);
            w.WriteString("output_audio_format"u8, RealtimeAudio.BetaName(config.OutputFormat));
            w.WriteNumber("temperature"u8, config.Temperature);
        }

        WriteMaxTokens(w, "max_output_tokens"u8, config.MaxOutputTokens);
        if (final)
        {
            response.Usage.Write(w);
        }
        else
        {
            w.WriteNull("usage"u8);
        }

        w.WritePropertyName("metadata"u8);
        config.Metadata.WriteTo(w);
        w.WriteEndObject();
    }

    private static void WriteItemFields(Utf8JsonWriter w, RealtimeItem item, RealtimeEventNames names)
    {
        w.WriteString("id"u8, item.Id);
        w.WriteString("object"u8, "realtime.item"u8);
        w.WriteString("type"u8, item.Type);
        w.WriteString("status"u8, item.Status);
        switch (item.Type)
        {
            case "message":
                w.WriteString("role"u8, item.Role);
                w.WriteStartArray("content"u8);
                foreach (var part in item.Content)
                {
                    WritePart(w, part, names);
                }

                w.WriteEndArray();
                break;
            case "function_call":
                w.WriteString("call_id"u8, item.CallId);
                w.WriteString("name"u8, item.Name);
                w.WriteString("arguments"u8, item.Arguments ?? string.Empty);
                break;
            default:
                w.WriteString("call_id"u8, item.CallId);
                w.WriteString("output"u8, item.Output);
                break;
        }
    }

    private static void WritePart(Utf8JsonWriter w, RealtimeContentPart part, RealtimeEventNames names)
    {
        w.WriteStartObject();
        switch (part.Kind)
        {
            case RealtimePartKind.InputText:
                w.WriteString("type"u8, "input_text"u8);
                w.WriteString("text"u8, part.Text);
                break;
            case RealtimePartKind.InputAudio:
                w.WriteString("type"u8, "input_audio"u8);
                WriteNullable(w, "transcript"u8, part.Transcript);
                break;
            case RealtimePartKind.InputImage:
                w.WriteString("type"u8, "input_image"u8);
                break;
            case RealtimePartKind.OutputText:
                w.WriteString("type"u8, names.OutputTextPart);
                w.WriteString("text"u8, part.Text ?? string.Empty);
                break;
            default:
                w.WriteString("type"u8, names.OutputAudioPart);
                w.WriteString("transcript"u8, part.Transcript ?? string.Empty);
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteStatusDetails(Utf8JsonWriter w, RealtimeResponse response)
    {
        if (response.Status is "in_progress" or "completed")
        {
            w.WriteNull("status_details"u8);
            return;
        }

        w.WriteStartObject("status_details"u8);
        w.WriteString("type"u8, response.Status);
        if (response.Reason is { } reason)
        {
            w.WriteString("reason"u8, reason);
        }

        if (response.Error is { } error)
        {
            w.WriteStartObject("error"u8);
            w.WriteString("type"u8, error.Type);
            w.WriteString("code"u8, error.Code);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteModalities(Utf8JsonWriter w, RealtimeSessionConfig config, RealtimeDialect dialect)
    {
        w.WriteStartArray(dialect == RealtimeDialect.GA ? "output_modalities"u8 : "modalities"u8);
        foreach (var modality in config.Modalities)
        {
            w.WriteStringValue(modality);
        }

        w.WriteEndArray();
    }

    private static void WriteMaxTokens(Utf8JsonWriter w, ReadOnlySpan<byte> name, int? max)
    {
        if (max is int value)
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteString(name, "inf"u8);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
