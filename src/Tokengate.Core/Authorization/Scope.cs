using System.Collections.Frozen;
using Tokengate.Routing;

namespace Tokengate.Authorization;

/// <summary>
/// A compiled scope: the operations allowed on every deployment, and those allowed per logical deployment (by
/// pool name, aliases resolved). Checking is one dictionary lookup and one AND.
/// </summary>
internal sealed class Scope(ScopeOperations anyDeployment, FrozenDictionary<string, ScopeOperations> perDeployment, Network.OutboundAllowlist? mcpHosts = null)
{
    /// <summary>The MCP server hosts this scope allows; null when it does not restrict them.</summary>
    public Network.OutboundAllowlist? McpHosts { get; } = mcpHosts;

    public static Scope Nothing { get; } = new(ScopeOperations.None, FrozenDictionary<string, ScopeOperations>.Empty);

    public static Scope Everything { get; } = new(ScopeOperations.All, FrozenDictionary<string, ScopeOperations>.Empty);

    /// <summary>The operations this scope grants on any deployment at all (for calls that name none, such as files).</summary>
    public ScopeOperations GrantedAnywhere()
    {
        var granted = anyDeployment;
        foreach (var ops in perDeployment.Values) granted |= ops;
        return granted;
    }

    /// <summary>The operations this scope grants on <paramref name="pool"/>.</summary>
    public ScopeOperations Granted(Pool pool) => anyDeployment | perDeployment.GetValueOrDefault(pool.Name);

    /// <summary>Compiles deployment names (<c>*</c>, pool names, aliases) and operations; unknown names are skipped (validation reports them).</summary>
    public static Scope Compile(IEnumerable<string> deployments, IEnumerable<string> operations, IReadOnlyDictionary<string, Pool> poolsByName, IEnumerable<string>? mcpHosts = null)
    {
        var ops = ScopeOperations.None;
        foreach (var name in operations)
        {
            if (ScopeOperationNames.TryParse(name, out var op)) ops |= op;
        }
        var any = ScopeOperations.None;
        var per = new Dictionary<string, ScopeOperations>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in deployments)
        {
            if (name == "*") any = ops;
            else if (poolsByName.TryGetValue(name, out var pool)) per[pool.Name] = ops;
        }
        return new Scope(any, per.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), mcpHosts is null ? null : Network.OutboundAllowlist.FromPatterns(mcpHosts));
    }
}
