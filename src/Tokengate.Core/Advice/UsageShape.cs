namespace Tokengate.Advice;

/// <summary>A consumer's successful requests to one deployment and model over the period: how many, and their token sums.</summary>
internal sealed record UsageShape(string Consumer, string Deployment, string Model, long Requests, long PromptTokens, long CachedTokens, long CompletionTokens, decimal CostUsd)
{
    public double MeanPrompt => Requests == 0 ? 0 : (double)PromptTokens / Requests;
    public double MeanCompletion => Requests == 0 ? 0 : (double)CompletionTokens / Requests;
}
