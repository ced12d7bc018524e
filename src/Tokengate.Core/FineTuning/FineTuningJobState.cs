namespace Tokengate.FineTuning;

/// <summary>What a job object says about the job, as far as the registry keeps it; null where the object says nothing.</summary>
internal readonly record struct FineTuningJobState(string? Id, string? Status, string? FineTunedModel, long? TrainedTokens, DateTimeOffset? FinishedAt);
