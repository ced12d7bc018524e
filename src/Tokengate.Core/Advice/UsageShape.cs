namespace Tokengate.Advice;

/// <summary>
/// A consumer's successful requests to one deployment and model over the period: how many, and their token sums;
/// <paramref name="BoundedRequests"/> of them with a recorded output bound (<c>max_output_tokens</c>), and
/// <paramref name="TruncatedRequests"/> of those whose completion reached it.
/// </summary>
internal sealed record UsageShape(string Consumer, string Deployment, string Model, long Requests, long PromptTokens, long CachedTokens, long CompletionTokens, decimal CostUsd,
    long BoundedRequests = 0, long TruncatedRequests = 0)
{
    public double MeanPrompt => Requests == 0 ? 0 : (double)PromptTokens / Requests;
    public double MeanCompletion => Requests == 0 ? 0 : (double)CompletionTokens / Requests;
}
