namespace Tokengate.Configuration;

/// <summary>
/// Rate limits and max-tokens policies (<c>Tokengate:Limits</c>). A consumer gets its own entry or
/// <see cref="Default"/>; a group's entry applies on top, to all its members together. Every limit is optional.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>The limits of a consumer that has no entry in <see cref="Consumers"/>. Default: no limits.</summary>
    public LimitRuleOptions Default { get; set; } = new();

    /// <summary>Limits per consumer name. Default: none.</summary>
    public Dictionary<string, LimitRuleOptions> Consumers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Limits per consumer group, shared by all its members. Default: none.</summary>
    public Dictionary<string, LimitRuleOptions> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>max_tokens policy per logical deployment (pool name). Default: none.</summary>
    public Dictionary<string, MaxTokensPolicyOptions> Deployments { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
