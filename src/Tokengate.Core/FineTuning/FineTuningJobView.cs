using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tokengate.FineTuning;

/// <summary>A registry row as the admin API and <c>tokengate finetune list --format json</c> show it.</summary>
internal sealed record FineTuningJobView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("consumer")] string Consumer,
    [property: JsonPropertyName("deployment")] string Deployment,
    [property: JsonPropertyName("backend")] string Backend,
    [property: JsonPropertyName("base_model")] string BaseModel,
    [property: JsonPropertyName("training_file")] string TrainingFile,
    [property: JsonPropertyName("training_sha256")] string TrainingSha256,
    [property: JsonPropertyName("validation_file")] string? ValidationFile,
    [property: JsonPropertyName("settings")] JsonElement Settings,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("fine_tuned_model")] string? FineTunedModel,
    [property: JsonPropertyName("trained_tokens")] long? TrainedTokens,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt)
{
    public static FineTuningJobView From(FineTuningJobRecord job)
    {
        using var settings = JsonDocument.Parse(job.Settings);
        return new(job.Id, job.Consumer, job.Pool, job.Backend, job.BaseModel, job.TrainingFile, job.TrainingSha256, job.ValidationFile,
            settings.RootElement.Clone(), job.Status, job.FineTunedModel, job.TrainedTokens, job.CreatedAt, job.FinishedAt, job.UpdatedAt);
    }
}
