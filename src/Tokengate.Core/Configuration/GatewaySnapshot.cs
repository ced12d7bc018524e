using System.Collections.Frozen;
using Tokengate.Identity;
using Tokengate.Routing;

namespace Tokengate.Configuration;

/// <summary>
/// Everything the request path reads from configuration, compiled once per (re)load and swapped atomically, so
/// a request sees one consistent version from start to end.
/// </summary>
internal sealed class GatewaySnapshot
{
    private readonly FrozenDictionary<string, Pool>.AlternateLookup<ReadOnlySpan<char>> _poolLookup;

    public GatewaySnapshot(IReadOnlyDictionary<string, Pool> poolsByName, IReadOnlyList<Pool> pools, IConsumerKeyStore consumers, GatewayOptions options)
    {
        PoolsByName = poolsByName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _poolLookup = PoolsByName.GetAlternateLookup<ReadOnlySpan<char>>();
        Pools = pools;
        Consumers = consumers;
        Options = options;
        Forwarding = options.Forwarding;
    }

    /// <summary>Pools by logical name and by alias.</summary>
    public FrozenDictionary<string, Pool> PoolsByName { get; }

    /// <summary>Each pool once, in configuration order.</summary>
    public IReadOnlyList<Pool> Pools { get; }

    public IConsumerKeyStore Consumers { get; }

    public ForwardingOptions Forwarding { get; }

    /// <summary>The validated options this snapshot was built from (limits, prices, budgets are read from here).</summary>
    public GatewayOptions Options { get; }

    public bool TryGetPool(ReadOnlySpan<char> name, out Pool pool) => _poolLookup.TryGetValue(name, out pool!);
}
