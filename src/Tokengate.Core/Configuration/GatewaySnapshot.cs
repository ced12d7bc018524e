using System.Collections.Frozen;
using Tokengate.Authorization;
using Tokengate.Identity;
using Tokengate.Network;
using Tokengate.Routing;

namespace Tokengate.Configuration;

/// <summary>
/// Everything the request path reads from configuration, compiled once per (re)load and swapped atomically, so
/// a request sees one consistent version from start to end.
/// </summary>
internal sealed class GatewaySnapshot
{
    private readonly FrozenDictionary<string, Pool>.AlternateLookup<ReadOnlySpan<char>> _poolLookup;

    // Shared pool → consumer group → that group's dedicated pool for the shared pool's deployment name.
    private readonly FrozenDictionary<Pool, FrozenDictionary<string, Pool>> _dedicated;

    public GatewaySnapshot(IReadOnlyDictionary<string, Pool> poolsByName, IReadOnlyList<Pool> pools, IConsumerKeyStore consumers, GatewayOptions options,
        NetworkRules network, OutboundAllowlist outbound, AccessPolicy access, Priority.PriorityPolicy? priorities = null)
    {
        PoolsByName = poolsByName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _poolLookup = PoolsByName.GetAlternateLookup<ReadOnlySpan<char>>();
        Pools = pools;
        _dedicated = CompileDedicated(pools);
        Consumers = consumers;
        Options = options;
        Forwarding = options.Forwarding;
        Network = network;
        Outbound = outbound;
        Access = access;
        Priorities = priorities ?? Priority.PriorityPolicy.Compile(options.Priority);
        Screening = Tokengate.Screening.ScreeningPolicies.Compile(options.Screening);
    }

    /// <summary>Pools by logical name and by alias.</summary>
    public FrozenDictionary<string, Pool> PoolsByName { get; }

    /// <summary>Each pool once, in configuration order.</summary>
    public IReadOnlyList<Pool> Pools { get; }

    public IConsumerKeyStore Consumers { get; }

    public ForwardingOptions Forwarding { get; }

    /// <summary>The validated options this snapshot was built from (limits, prices, budgets are read from here).</summary>
    public GatewayOptions Options { get; }

    /// <summary>Client IP allowlists and trusted proxies, parsed.</summary>
    public NetworkRules Network { get; }

    /// <summary>The hosts the gateway may connect to under this configuration.</summary>
    public OutboundAllowlist Outbound { get; }

    /// <summary>Who may call which deployment and operation (step 4).</summary>
    public AccessPolicy Access { get; }

    /// <summary>Priority classes: who gets which, and what a request may lower itself to.</summary>
    public Priority.PriorityPolicy Priorities { get; }

    /// <summary>Prompt screening: which policy a consumer's request on a deployment runs under (step 5).</summary>
    public Tokengate.Screening.ScreeningPolicies Screening { get; }

    /// <summary>The pool of that name or alias, whoever asks (configuration, stored records, administration).</summary>
    public bool TryGetPool(ReadOnlySpan<char> name, out Pool pool) => _poolLookup.TryGetValue(name, out pool!);

    /// <summary>
    /// The pool that serves a deployment name for a consumer of <paramref name="group"/>: the group's dedicated pool
    /// when it has one for that name, else the named pool. A dedicated pool's own name resolves only for its groups;
    /// for anyone else it does not exist. Two dictionary look-ups at most, no allocation.
    /// </summary>
    public bool TryResolvePool(ReadOnlySpan<char> name, string? group, out Pool pool)
    {
        if (!_poolLookup.TryGetValue(name, out pool!)) return false;
        if (pool.Dedication is { } dedication) return dedication.Serves(group);
        if (group is not null && _dedicated.TryGetValue(pool, out var byGroup) && byGroup.TryGetValue(group, out var own)) pool = own;
        return true;
    }

    private static FrozenDictionary<Pool, FrozenDictionary<string, Pool>> CompileDedicated(IReadOnlyList<Pool> pools)
    {
        var byShared = new Dictionary<Pool, Dictionary<string, Pool>>();
        foreach (var pool in pools)
        {
            if (pool.Dedication is not { } dedication) continue;
            if (!byShared.TryGetValue(dedication.Shared, out var byGroup))
                byShared[dedication.Shared] = byGroup = new Dictionary<string, Pool>(StringComparer.OrdinalIgnoreCase);
            foreach (var group in dedication.Groups) byGroup[group] = pool;
        }
        return byShared.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }
}
