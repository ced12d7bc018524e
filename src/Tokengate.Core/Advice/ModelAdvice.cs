namespace Tokengate.Advice;

/// <summary>
/// One consumer's use of one deployment and what the same tokens would cost on the next cheaper model of its family.
/// <see cref="SimilarDeployment"/> names a deployment already serving requests of about the same size on that model.
/// </summary>
internal sealed record ModelAdvice(
    string Consumer,
    string Deployment,
    string Model,
    long Requests,
    double MeanPromptTokens,
    double MeanCompletionTokens,
    decimal MonthlyUsd,
    string CheaperModel,
    decimal CheaperMonthlyUsd,
    decimal SavingMonthlyUsd,
    string? SimilarDeployment,
    string Advice);
