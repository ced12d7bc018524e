using System.Text.Json.Nodes;

namespace Tokengate.Recovery;

/// <summary>One fine-tuned model and how it was made.</summary>
/// <param name="JobId">The original job id.</param>
/// <param name="FineTunedModel">The model it produced.</param>
/// <param name="BaseModel">The base model the backend fine-tuned.</param>
/// <param name="Consumer">Who owns it.</param>
/// <param name="Suffix">The suffix it was created with, if any.</param>
/// <param name="TrainingFile">The training file (gateway id and the SHA-256 of its bytes).</param>
/// <param name="ValidationFile">The validation file, if any.</param>
/// <param name="Settings">The request's <c>hyperparameters</c>, <c>method</c>, <c>suffix</c> and <c>seed</c> as sent.</param>
/// <param name="Steps">The calls, in order.</param>
internal sealed record RedeployModel(
    string JobId, string FineTunedModel, string BaseModel, string Consumer, string? Suffix, RedeployFile TrainingFile, RedeployFile? ValidationFile,
    JsonObject Settings, IReadOnlyList<RedeployStep> Steps);
