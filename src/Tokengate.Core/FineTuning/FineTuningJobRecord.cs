namespace Tokengate.FineTuning;

/// <summary>A fine-tuning job in the gateway's registry: who owns it, where it runs, what it was made from, and what it came to.</summary>
/// <param name="Id">The job's id, as the backend gave it (<c>ftjob-…</c>): the gateway keeps the backend's id and records where it lives.</param>
/// <param name="Consumer">Its owner: no other consumer can see it (404).</param>
/// <param name="Pool">The logical deployment the consumer named in <c>model</c> (after alias resolution).</param>
/// <param name="Backend">The backend it was created on; every later call goes there.</param>
/// <param name="BaseModel">The base model the backend was asked to fine-tune (<c>Backend.Model</c>).</param>
/// <param name="TrainingFile">The gateway's id of the training file.</param>
/// <param name="TrainingSha256">The SHA-256 of the training file's bytes, so the job stays traceable after the file is deleted.</param>
/// <param name="ValidationFile">The gateway's id of the validation file, if any.</param>
/// <param name="BackendTrainingFile">The backend's id of the placed training file (mapped back to the gateway's in every answer).</param>
/// <param name="BackendValidationFile">The backend's id of the placed validation file, if any.</param>
/// <param name="Settings">The request's <c>hyperparameters</c>, <c>method</c>, <c>suffix</c> and <c>seed</c> as sent (a JSON object).</param>
/// <param name="Status">The last status seen (<c>validating_files</c> … <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>).</param>
/// <param name="FineTunedModel">The resulting model's name at the backend, once there is one.</param>
/// <param name="TrainedTokens">Billable training tokens the backend reported, once it did.</param>
/// <param name="CreatedAt">When the gateway created it.</param>
/// <param name="FinishedAt">When the backend says it finished, if it has.</param>
/// <param name="UpdatedAt">When a response about it last passed through the gateway.</param>
/// <param name="Json">The last job object relayed to the consumer (its ids mapped back), which the job list is answered from.</param>
internal sealed record FineTuningJobRecord(
    string Id, string Consumer, string Pool, string Backend, string BaseModel, string TrainingFile, string TrainingSha256, string? ValidationFile,
    string BackendTrainingFile, string? BackendValidationFile,
    string Settings, string Status, string? FineTunedModel, long? TrainedTokens, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt,
    DateTimeOffset UpdatedAt, string Json)
{
    /// <summary>Whether the job can still change (anything but succeeded, failed or cancelled).</summary>
    public bool IsActive => Status is not ("succeeded" or "failed" or "cancelled");

    /// <summary>How this job's backend names map back to the gateway's.</summary>
    public FineTuningIdMap IdMap()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { [BackendTrainingFile] = TrainingFile };
        if (BackendValidationFile is not null && ValidationFile is not null) files[BackendValidationFile] = ValidationFile;
        return new FineTuningIdMap(files, BaseModel, Pool);
    }
}
