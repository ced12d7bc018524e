namespace Tokengate.Configuration;

/// <summary>The limits of one consumer or one group; an absent value means no limit of that kind.</summary>
public sealed class LimitRuleOptions
{
    /// <summary>Tokens per minute (sliding 60 s window), charged at admission with the estimate and settled to actual usage. Default: none.</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Requests per minute (sliding 60 s window). Default: none.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Requests in flight at once. Default: none.</summary>
    public int? ConcurrentRequests { get; set; }

    /// <summary>The max_tokens policy. Default: none (the deployment's policy, if any).</summary>
    public MaxTokensPolicyOptions? MaxTokens { get; set; }
}
