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

    public GatewaySnapshot(IReadOnlyDictionary<string, Pool> poolsByName, IReadOnlyList<Pool> pools, IConsumerKeyStore consumers, GatewayOptions options,
        NetworkRules network, OutboundAllowlist outbound, AccessPolicy access, Priority.PriorityPolicy? priorities = null)
    {
        PoolsByName = poolsByName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _poolLookup = PoolsByName.GetAlternateLookup<ReadOnlySpan<char>>();
        Pools = pools;
        Consumers = consumers;
        Options = options;
        Forwarding = options.Forwarding;
        Network = network;
        Outbound = outbound;
        Access = access;
        Priorities = priorities ?? Priority.PriorityPolicy.Compile(options.Priority);
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

    public bool TryGetPool(ReadOnlySpan<char> name, out Pool pool) => _poolLookup.TryGetValue(name, out pool!);
}
