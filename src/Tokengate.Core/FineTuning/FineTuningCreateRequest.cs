namespace Tokengate.FineTuning;

/// <summary>The fields of a job's create request the gateway acts on.</summary>
/// <param name="Model">The logical deployment (or alias) the consumer named.</param>
/// <param name="TrainingFile">The gateway's id of the training file.</param>
/// <param name="ValidationFile">The gateway's id of the validation file, if any.</param>
/// <param name="Settings">The <c>hyperparameters</c>, <c>method</c>, <c>suffix</c> and <c>seed</c> as sent, as one JSON object.</param>
internal sealed record FineTuningCreateRequest(string Model, string TrainingFile, string? ValidationFile, string Settings);
