using System.Text.Json;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// Applies a <c>session.update</c>'s <c>session</c> or a <c>response.create</c>'s <c>response</c> to a copy of the
/// settings. Each dialect has its own field names; a field of the other dialect (or of neither) is refused with
/// <c>unknown_parameter</c>, as the service refuses it, and nothing changes. Fields that exist but that the simulator
/// does not act on (tracing, truncation, prompt, include, noise reduction, reasoning) are accepted and echoed.
/// </summary>
internal static class RealtimeConfigReader
{
    public const int MaxOutputTokensLimit = 4_096;

    private static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);

    public static RealtimeSessionConfig? ApplySession(RealtimeSessionConfig current, JsonElement session, RealtimeDialect dialect, out RealtimeError? error) =>
        Apply(current, session, dialect, "session", out error);

    /// <summary>A response's settings: the session's with the overrides of <c>response.create</c>.</summary>
    public static RealtimeSessionConfig? ApplyResponse(RealtimeSessionConfig current, JsonElement response, RealtimeDialect dialect, out RealtimeError? error) =>
        Apply(current with { OutOfBand = false, Metadata = Null }, response, dialect, "response", out error);

    private static RealtimeSessionConfig? Apply(RealtimeSessionConfig config, JsonElement update, RealtimeDialect dialect, string scope, out RealtimeError? error)
    {
        error = null;
        if (update.ValueKind != JsonValueKind.Object)
        {
            error = RealtimeError.InvalidType(scope, "an object");
            return null;
        }

        var ga = dialect == RealtimeDialect.GA;
        var session = scope == "session";
        var typeSeen = false;
        JsonElement? tools = null;
        JsonElement? toolChoice = null;
        foreach (var field in update.EnumerateObject())
        {
            var name = field.Name;
            var value = field.Value;
            var param = scope + "." + name;
            switch (name)
            {
                case "instructions":
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        error = RealtimeError.InvalidType(param, "a string");
                        return null;
                    }

                    config = config with { Instructions = value.GetString()! };
                    break;
                case "tools":
                    if (value.ValueKind != JsonValueKind.Array)
                    {
                        error = RealtimeError.InvalidType(param, "an array");
                        return null;
                    }

                    tools = value;
                    break;
                case "tool_choice":
                    toolChoice = value;
                    break;
                case "type" when ga && session:
                    if (!value.ValueEquals("realtime"))
                    {
                        error = RealtimeError.InvalidValue(param, $"Invalid value: '{Describe(value)}'. The simulator serves only 'realtime' sessions.");
                        return null;
                    }

                    typeSeen = true;
                    break;
                case "model" when session:
                    // The deployment decides the model; the field is accepted as clients send it and ignored.
                    break;
                case "modalities" when !ga:
                case "output_modalities" when ga:
                    if (ReadModalities(value, param, out error) is not { } modalities)
                    {
                        return null;
                    }

                    config = config with { Modalities = modalities };
                    break;
                case "voice" when !ga:
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        error = RealtimeError.InvalidType(param, "a string");
                        return null;
                    }

                    config = config with { Voice = value.GetString()! };
                    break;
                case "input_audio_format" when !ga && session:
                case "output_audio_format" when !ga:
                    if (!RealtimeAudio.TryParseBeta(value.ValueKind == JsonValueKind.String ? value.GetString() : null, out var format))
                    {
                        error = RealtimeError.InvalidValue(param, $"Invalid value: '{Describe(value)}'. Supported values are: 'pcm16', 'g711_ulaw', and 'g711_alaw'.");
                        return null;
                    }

                    config = name == "input_audio_format" ? config with { InputFormat = format } : config with { OutputFormat = format };
                    break;
                case "input_audio_transcription" when !ga && session:
                    if (!IsObjectOrNull(value, param, out error))
                    {
                        return null;
                    }

                    config = config with { Transcription = value.Clone() };
                    break;
                case "turn_detection" when !ga && session:
                    if (ReadTurnDetection(value, param, out error) is not { } detection)
                    {
                        return null;
                    }

                    config = config with { TurnDetection = detection };
                    break;
                case "input_audio_noise_reduction" when !ga && session:
                    config = config with { NoiseReduction = value.Clone() };
                    break;
                case "temperature" when !ga:
                    if (value.ValueKind != JsonValueKind.Number)
                    {
                        error = RealtimeError.InvalidType(param, "a number");
                        return null;
                    }

                    config = config with { Temperature = value.GetDouble() };
                    break;
                case "speed" when !ga && session:
                    if (value.ValueKind != JsonValueKind.Number)
                    {
                        error = RealtimeError.InvalidType(param, "a number");
                        return null;
                    }

                    config = config with { Speed = value.GetDouble() };
                    break;
                case "max_response_output_tokens" when !ga:
                case "max_output_tokens" when ga:
                    if (!TryReadMaxTokens(value, param, out var max, out error))
                    {
                        return null;
                    }

                    config = config with { MaxOutputTokens = max };
                    break;
                case "audio" when ga:
                    config = ApplyAudio(config, value, param, session, out error)!;
                    if (error is not null)
                    {
                        return null;
                    }

                    break;
                case "tracing" when session:
                    config = config with { Tracing = value.Clone() };
                    break;
                case "include" when session:
                    config = config with { Include = value.Clone() };
                    break;
                case "truncation" when ga && session:
                    config = config with { Truncation = value.Clone() };
                    break;
                case "prompt" when ga:
                    config = config with { Prompt = value.Clone() };
                    break;
                case "parallel_tool_calls" when ga:
                case "reasoning" when ga:
                    break;
                case "conversation" when !session:
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        error = RealtimeError.InvalidType(param, "a string");
                        return null;
                    }

                    config = config with { OutOfBand = value.ValueEquals("none") };
                    break;
                case "metadata" when !session:
                    if (!IsObjectOrNull(value, param, out error))
                    {
                        return null;
                    }

                    config = config with { Metadata = value.Clone() };
                    break;
                case "input" when !session:
                    // Custom input for one response is not simulated: the response reads the conversation.
                    break;
                default:
                    error = RealtimeError.UnknownParameter(param);
                    return null;
            }
        }

        if (ga && session && !typeSeen)
        {
            error = RealtimeError.Missing("session.type");
            return null;
        }

        if (tools is not null || toolChoice is not null)
        {
            var newTools = tools?.Clone() ?? config.Tools;
            var newChoice = toolChoice?.Clone() ?? config.ToolChoice;
            var holder = RealtimeSessionConfig.HolderFor(newTools, newChoice);
            if (ToolRequest.Parse(holder, chatShape: false, out var toolError) is not { } tooling)
            {
                error = RealtimeError.From((toolError.Message, toolError.Param is null ? null : scope + "." + toolError.Param, toolError.Code));
                return null;
            }

            config = config with { Tools = newTools, ToolChoice = newChoice, Tooling = tooling, ToolsHolder = holder };
        }

        return config;
    }

    /// <summary>GA <c>audio: {input: {format, transcription, noise_reduction, turn_detection}, output: {format, voice, speed}}</c>.</summary>
    private static RealtimeSessionConfig? ApplyAudio(RealtimeSessionConfig config, JsonElement audio, string param, bool session, out RealtimeError? error)
    {
        error = null;
        if (audio.ValueKind != JsonValueKind.Object)
        {
            error = RealtimeError.InvalidType(param, "an object");
            return null;
        }

        foreach (var direction in audio.EnumerateObject())
        {
            var at = param + "." + direction.Name;
            var input = direction.NameEquals("input");
            if ((!input || !session) && !direction.NameEquals("output"))
            {
                error = RealtimeError.UnknownParameter(at);
                return null;
            }

            if (direction.Value.ValueKind != JsonValueKind.Object)
            {
                error = RealtimeError.InvalidType(at, "an object");
                return null;
            }

            foreach (var field in direction.Value.EnumerateObject())
            {
                var fieldParam = at + "." + field.Name;
                var value = field.Value;
                switch (field.Name)
                {
                    case "format":
                        if (!RealtimeAudio.TryParseGA(value, out var format))
                        {
                            error = RealtimeError.InvalidValue(fieldParam, "Invalid value: the format must be {\"type\":\"audio/pcm\",\"rate\":24000}, {\"type\":\"audio/pcmu\"} or {\"type\":\"audio/pcma\"}.");
                            return null;
                        }

                        config = input ? config with { InputFormat = format } : config with { OutputFormat = format };
                        break;
                    case "transcription" when input:
                        if (!IsObjectOrNull(value, fieldParam, out error))
                        {
                            return null;
                        }

                        config = config with { Transcription = value.Clone() };
                        break;
                    case "turn_detection" when input:
                        if (ReadTurnDetection(value, fieldParam, out error) is not { } detection)
                        {
                            return null;
                        }

                        config = config with { TurnDetection = detection };
                        break;
                    case "noise_reduction" when input:
                        config = config with { NoiseReduction = value.Clone() };
                        break;
                    case "voice" when !input:
                        // A built-in name, or {"id": "voice_…"} for a custom voice.
                        if (value.ValueKind == JsonValueKind.String)
                        {
                            config = config with { Voice = value.GetString()! };
                        }
                        else if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                        {
                            config = config with { Voice = id.GetString()! };
                        }
                        else
                        {
                            error = RealtimeError.InvalidType(fieldParam, "a string or an object with an id");
                            return null;
                        }

                        break;
                    case "speed" when !input && session:
                        if (value.ValueKind != JsonValueKind.Number)
                        {
                            error = RealtimeError.InvalidType(fieldParam, "a number");
                            return null;
                        }

                        config = config with { Speed = value.GetDouble() };
                        break;
                    default:
                        error = RealtimeError.UnknownParameter(fieldParam);
                        return null;
                }
            }
        }

        return config;
    }

    private static string[]? ReadModalities(JsonElement value, string param, out RealtimeError? error)
    {
        error = null;
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            error = RealtimeError.InvalidType(param, "a non-empty array");
            return null;
        }

        var modalities = new List<string>();
        foreach (var entry in value.EnumerateArray())
        {
            if (!entry.ValueEquals("text") && !entry.ValueEquals("audio"))
            {
                error = RealtimeError.InvalidValue(param, $"Invalid value: '{Describe(entry)}'. Supported values are: 'text' and 'audio'.");
                return null;
            }

            modalities.Add(entry.GetString()!);
        }

        return [.. modalities];
    }

    private static JsonElement? ReadTurnDetection(JsonElement value, string param, out RealtimeError? error)
    {
        if (!IsObjectOrNull(value, param, out error))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Object
            && (!value.TryGetProperty("type", out var type) || (!type.ValueEquals("server_vad") && !type.ValueEquals("semantic_vad"))))
        {
            error = RealtimeError.InvalidValue(param + ".type", "Invalid value: turn detection's 'type' must be 'server_vad' or 'semantic_vad'.");
            return null;
        }

        return value.Clone();
    }

    private static bool TryReadMaxTokens(JsonElement value, string param, out int? max, out RealtimeError? error)
    {
        max = null;
        error = null;
        if (value.ValueKind == JsonValueKind.String && value.ValueEquals("inf"))
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var parsed))
        {
            error = RealtimeError.InvalidType(param, "an integer or 'inf'");
            return false;
        }

        if (parsed is < 1 or > MaxOutputTokensLimit)
        {
            error = RealtimeError.From(parsed < 1
                ? RequestErrors.BelowMin(param, 1, parsed)
                : RequestErrors.AboveMax(param, MaxOutputTokensLimit, parsed));
            return false;
        }

        max = (int)parsed;
        return true;
    }

    private static bool IsObjectOrNull(JsonElement value, string param, out RealtimeError? error)
    {
        error = value.ValueKind is JsonValueKind.Object or JsonValueKind.Null ? null : RealtimeError.InvalidType(param, "an object or null");
        return error is null;
    }

    private static string Describe(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
