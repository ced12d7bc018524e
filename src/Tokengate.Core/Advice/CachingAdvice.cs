namespace Tokengate.Advice;

/// <summary>
/// Prompt caching of one consumer's requests to one deployment: the share of prompt tokens served from the cache and,
/// where large prompts hardly hit it, the money the uncached input costs above the cached price per month.
/// </summary>
internal sealed record CachingAdvice(
    string Consumer,
    string Deployment,
    string Model,
    long Requests,
    double MeanPromptTokens,
    double HitRate,
    decimal AtStakeMonthlyUsd,
    bool Low,
    string Advice);
