using System.Collections.Frozen;
using Tokengate.Identity;

namespace Tokengate.Screening;

/// <summary>
/// The screening policies compiled for the request path (one per configuration snapshot): a request's policy is its
/// consumer's, else its group's, else its deployment's, else the default. When no entry screens anything the
/// resolution is one field read, so a gateway without screening pays nothing for it.
/// </summary>
internal sealed class ScreeningPolicies
{
    private readonly FrozenDictionary<string, ScreeningPolicy> _consumers;
    private readonly FrozenDictionary<string, ScreeningPolicy> _groups;
    private readonly FrozenDictionary<string, ScreeningPolicy> _deployments;
    private readonly ScreeningPolicy _default;
    private readonly bool _anyOn;

    private ScreeningPolicies(FrozenDictionary<string, ScreeningPolicy> consumers, FrozenDictionary<string, ScreeningPolicy> groups,
        FrozenDictionary<string, ScreeningPolicy> deployments, ScreeningPolicy fallback)
    {
        _consumers = consumers;
        _groups = groups;
        _deployments = deployments;
        _default = fallback;
        _anyOn = !fallback.IsOff || consumers.Values.Any(p => !p.IsOff) || groups.Values.Any(p => !p.IsOff) || deployments.Values.Any(p => !p.IsOff);
    }

    /// <summary>No policy screens anything.</summary>
    public static ScreeningPolicies None { get; } = Compile(new ScreeningOptions());

    /// <summary>Whether any policy screens at all.</summary>
    public bool AnyOn => _anyOn;

    public static ScreeningPolicies Compile(ScreeningOptions options)
    {
        FrozenDictionary<string, ScreeningPolicy> Map(Dictionary<string, ScreeningPolicyOptions> entries, string kind) =>
            entries.Where(e => e.Value is not null)
                .ToFrozenDictionary(e => e.Key, e => ScreeningPolicy.From($"{kind}:{e.Key}", e.Value), StringComparer.OrdinalIgnoreCase);
        return new ScreeningPolicies(Map(options.Consumers, "consumer"), Map(options.Groups, "group"), Map(options.Deployments, "deployment"),
            ScreeningPolicy.From("default", options.Default ?? new ScreeningPolicyOptions()));
    }

    /// <summary>The policy of <paramref name="consumer"/> calling <paramref name="deployment"/> (a pool's name).</summary>
    public ScreeningPolicy Resolve(Consumer consumer, string deployment)
    {
        if (!_anyOn) return _default;
        if (_consumers.Count > 0 && _consumers.TryGetValue(consumer.Name, out var own)) return own;
        if (consumer.Group is not null && _groups.Count > 0 && _groups.TryGetValue(consumer.Group, out var group)) return group;
        if (_deployments.Count > 0 && _deployments.TryGetValue(deployment, out var byDeployment)) return byDeployment;
        return _default;
    }
}
