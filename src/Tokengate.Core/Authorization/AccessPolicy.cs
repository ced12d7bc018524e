using System.Collections.Frozen;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Routing;

namespace Tokengate.Authorization;

/// <summary>
/// The scopes of <see cref="AccessOptions"/> compiled for the request path: a consumer may call a deployment and
/// operation when its own scope or its group's allows it; a consumer with neither falls back to the default.
/// </summary>
internal sealed class AccessPolicy
{
    private readonly FrozenDictionary<string, Scope> _consumers;
    private readonly FrozenDictionary<string, Scope> _groups;
    private readonly Scope _default;

    private AccessPolicy(FrozenDictionary<string, Scope> consumers, FrozenDictionary<string, Scope> groups, Scope fallback)
    {
        _consumers = consumers;
        _groups = groups;
        _default = fallback;
    }

    /// <summary>No scopes: every consumer may call everything (a configuration without <c>Tokengate:Access</c>).</summary>
    public static AccessPolicy Unscoped { get; } = new(FrozenDictionary<string, Scope>.Empty, FrozenDictionary<string, Scope>.Empty, Scope.Everything);

    public static AccessPolicy Compile(AccessOptions options, IReadOnlyDictionary<string, Pool> poolsByName)
    {
        if (options.IsUnscoped) return Unscoped;
        return new AccessPolicy(
            CompileAll(options.Consumers, poolsByName),
            CompileAll(options.Groups, poolsByName),
            options.Default is { } d ? Scope.Compile(d.Deployments, d.Operations, poolsByName, d.McpServerHosts) : Scope.Nothing);
    }

    /// <summary>Whether the consumer's scopes grant every operation in <paramref name="operation"/> on <paramref name="pool"/>.</summary>
    public bool Allows(Consumer consumer, Pool pool, ScopeOperations operation) => (Granted(consumer, pool) & operation) == operation;

    /// <summary>
    /// Whether the consumer's scopes grant <paramref name="operation"/> on some deployment: the check for calls that
    /// name no deployment (files, uploads), whose objects are later used with one.
    /// </summary>
    public bool AllowsAnywhere(Consumer consumer, ScopeOperations operation)
    {
        var granted = ScopeOperations.None;
        var own = _consumers.TryGetValue(consumer.Name, out var scope);
        if (own) granted |= scope!.GrantedAnywhere();
        var grouped = consumer.Group is not null && _groups.TryGetValue(consumer.Group, out scope);
        if (grouped) granted |= scope!.GrantedAnywhere();
        if (!own && !grouped) granted = _default.GrantedAnywhere();
        return (granted & operation) == operation;
    }

    /// <summary>Whether the consumer may call anything at all on <paramref name="pool"/> (what model discovery lists).</summary>
    public bool Reaches(Consumer consumer, Pool pool) => Granted(consumer, pool) != ScopeOperations.None;

    /// <summary>
    /// The MCP server hosts the consumer may name: its own scope's list if it sets one, else its group's, else the
    /// default's when it has neither; null when nothing restricts them.
    /// </summary>
    public Network.OutboundAllowlist? McpHosts(Consumer consumer)
    {
        var hasOwn = _consumers.TryGetValue(consumer.Name, out var own);
        Scope? group = null;
        var hasGroup = consumer.Group is not null && _groups.TryGetValue(consumer.Group, out group);
        if (!hasOwn && !hasGroup) return _default.McpHosts;
        return own?.McpHosts ?? group?.McpHosts;
    }

    /// <summary>The operations granted on a pool: the consumer's own scope and its group's together, or the default when it has neither.</summary>
    private ScopeOperations Granted(Consumer consumer, Pool pool)
    {
        var granted = ScopeOperations.None;
        var own = _consumers.TryGetValue(consumer.Name, out var scope);
        if (own) granted |= scope!.Granted(pool);
        var grouped = consumer.Group is not null && _groups.TryGetValue(consumer.Group, out scope);
        if (grouped) granted |= scope!.Granted(pool);
        return own || grouped ? granted : _default.Granted(pool);
    }

    private static FrozenDictionary<string, Scope> CompileAll(Dictionary<string, ScopeOptions> scopes, IReadOnlyDictionary<string, Pool> poolsByName)
    {
        var compiled = new Dictionary<string, Scope>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, s) in scopes) compiled[name] = Scope.Compile(s.Deployments, s.Operations, poolsByName, s.McpServerHosts);
        return compiled.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
