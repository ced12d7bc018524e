using System.Text.Json;

namespace Tokengate.Simulator.Batches;

/// <summary>What a batch was created with, and its input already analysed (answers are computed at creation, revealed on the clock).</summary>
internal sealed record BatchSpec(
    string Endpoint,
    string InputFileId,
    string CompletionWindow,
    JsonElement? Metadata,
    BatchInput Input,
    TimeSpan Validating,
    TimeSpan InProgress,
    TimeSpan Finalizing,
    TimeSpan Window);
