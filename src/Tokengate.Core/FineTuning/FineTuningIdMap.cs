namespace Tokengate.FineTuning;

/// <summary>
/// How a backend's names map back to the gateway's in what it returns about a job: its file ids to the gateway's
/// file ids, the base model to the logical deployment the consumer named.
/// </summary>
/// <param name="Files">Backend file id → gateway file id.</param>
/// <param name="BaseModel">The base model the backend fine-tunes.</param>
/// <param name="Pool">The logical deployment to show in its place.</param>
internal sealed record FineTuningIdMap(IReadOnlyDictionary<string, string> Files, string BaseModel, string Pool);
