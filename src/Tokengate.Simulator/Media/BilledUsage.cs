namespace Tokengate.Simulator.Media;

/// <summary>
/// What one succeeded request billed, by modality. Text operations fill only the text tokens; the totals
/// (<see cref="InputTokens"/>, <see cref="OutputTokens"/>) are what the deployment's prompt and completion counters add.
/// </summary>
internal readonly record struct BilledUsage
{
    public long InputTextTokens { get; init; }

    public long InputAudioTokens { get; init; }

    public long InputImageTokens { get; init; }

    public long OutputTextTokens { get; init; }

    public long OutputAudioTokens { get; init; }

    public long OutputImageTokens { get; init; }

    /// <summary>Images produced.</summary>
    public long Images { get; init; }

    /// <summary>Billed audio seconds (duration-billed transcription and translation).</summary>
    public double AudioSeconds { get; init; }

    /// <summary>Billed input characters (character-billed speech).</summary>
    public long Characters { get; init; }

    public long InputTokens => InputTextTokens + InputAudioTokens + InputImageTokens;

    public long OutputTokens => OutputTextTokens + OutputAudioTokens + OutputImageTokens;

    public static BilledUsage Text(long promptTokens, long completionTokens) =>
        new() { InputTextTokens = promptTokens, OutputTextTokens = completionTokens };
}
