using System.Collections.Frozen;
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

    public GatewaySnapshot(IReadOnlyDictionary<string, Pool> poolsByName, IReadOnlyList<Pool> pools, IConsumerKeyStore consumers, ForwardingOptions forwarding,
        NetworkRules network, OutboundAllowlist outbound)
    {
        PoolsByName = poolsByName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _poolLookup = PoolsByName.GetAlternateLookup<ReadOnlySpan<char>>();
        Pools = pools;
        Consumers = consumers;
        Forwarding = forwarding;
        Network = network;
        Outbound = outbound;
    }

    /// <summary>Pools by logical name and by alias.</summary>
    public FrozenDictionary<string, Pool> PoolsByName { get; }

    /// <summary>Each pool once, in configuration order.</summary>
    public IReadOnlyList<Pool> Pools { get; }

    public IConsumerKeyStore Consumers { get; }

    public ForwardingOptions Forwarding { get; }

    /// <summary>Client IP allowlists and trusted proxies, parsed.</summary>
    public NetworkRules Network { get; }

    /// <summary>The hosts the gateway may connect to under this configuration.</summary>
    public OutboundAllowlist Outbound { get; }

    public bool TryGetPool(ReadOnlySpan<char> name, out Pool pool) => _poolLookup.TryGetValue(name, out pool!);
}
