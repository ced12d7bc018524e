using System.Text.Json;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// A session's settings, replaced whole by each accepted <c>session.update</c>; a response takes the version current
/// when it starts (with its own overrides applied to a copy). JSON values that are only echoed are kept as sent.
/// </summary>
internal sealed record RealtimeSessionConfig
{
    private static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);
    private static readonly JsonElement EmptyArray = JsonSerializer.SerializeToElement(Array.Empty<object>());
    private static readonly JsonElement Auto = JsonSerializer.SerializeToElement("auto");

    /// <summary>The answer's modalities: <c>["text"]</c> answers text, anything with <c>audio</c> answers audio with a transcript.</summary>
    public required IReadOnlyList<string> Modalities { get; init; }

    public string Instructions { get; init; } = string.Empty;

    public string Voice { get; init; } = "alloy";

    public RealtimeAudioFormat InputFormat { get; init; } = RealtimeAudioFormat.Pcm16;

    public RealtimeAudioFormat OutputFormat { get; init; } = RealtimeAudioFormat.Pcm16;

    /// <summary>Input transcription settings (an object with <c>model</c>), or JSON null when off.</summary>
    public JsonElement Transcription { get; init; } = Null;

    /// <summary>Turn detection settings, or JSON null when off (the simulator's default).</summary>
    public JsonElement TurnDetection { get; init; } = Null;

    public JsonElement NoiseReduction { get; init; } = Null;

    public JsonElement Tools { get; init; } = EmptyArray;

    public JsonElement ToolChoice { get; init; } = Auto;

    /// <summary>The functions of <see cref="Tools"/> and the one <see cref="ToolChoice"/> forces.</summary>
    public ToolRequest Tooling { get; init; } = ToolRequest.None;

    /// <summary><c>{"tools": …}</c>, so the prompt counter can cost the function definitions.</summary>
    public JsonElement ToolsHolder { get; init; } = Null;

    public double Temperature { get; init; } = 0.8;

    public double Speed { get; init; } = 1.0;

    /// <summary>Output bound per response; null for <c>inf</c>.</summary>
    public int? MaxOutputTokens { get; init; }

    public JsonElement Tracing { get; init; } = Null;

    public JsonElement Truncation { get; init; } = Auto;

    public JsonElement Prompt { get; init; } = Null;

    public JsonElement Include { get; init; } = Null;

    /// <summary>Responses only: <c>none</c> keeps the answer out of the conversation.</summary>
    public bool OutOfBand { get; init; }

    /// <summary>Responses only: metadata echoed on the response.</summary>
    public JsonElement Metadata { get; init; } = Null;

    public bool AnswersWithAudio => Modalities.Contains("audio");

    public bool TurnDetectionOn => TurnDetection.ValueKind == JsonValueKind.Object;

    /// <summary>Turn detection answers a committed turn unless <c>create_response</c> is false.</summary>
    public bool RespondsOnCommit =>
        TurnDetectionOn && !(TurnDetection.TryGetProperty("create_response", out var create) && create.ValueKind == JsonValueKind.False);

    /// <summary>The transcription model asked for (on Azure, the name of a transcription deployment), or null when off.</summary>
    public string? TranscriptionModel =>
        Transcription.ValueKind == JsonValueKind.Object && Transcription.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
            ? model.GetString()
            : Transcription.ValueKind == JsonValueKind.Object ? "whisper-1" : null;

    /// <summary>The transcription prompt, which the transcription model bills as input text.</summary>
    public string? TranscriptionPrompt =>
        Transcription.ValueKind == JsonValueKind.Object && Transcription.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String
            ? prompt.GetString()
            : null;

    public static RealtimeSessionConfig Default(RealtimeDialect dialect) => new()
    {
        // The beta protocol answers with audio and its transcript by default; GA names one modality, audio.
        Modalities = dialect == RealtimeDialect.GA ? ["audio"] : ["text", "audio"],
    };

    public static JsonElement HolderFor(JsonElement tools, JsonElement toolChoice) =>
        JsonDocument.Parse($$"""{"tools":{{tools.GetRawText()}},"tool_choice":{{toolChoice.GetRawText()}}}""").RootElement.Clone();
}
