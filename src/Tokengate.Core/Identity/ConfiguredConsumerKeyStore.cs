using System.Collections.Frozen;
using Tokengate.Configuration;

namespace Tokengate.Identity;

/// <summary>Consumer keys from the <c>Consumers</c> section, rebuilt on every configuration reload.</summary>
internal sealed class ConfiguredConsumerKeyStore : IConsumerKeyStore
{
    private readonly FrozenDictionary<string, Consumer>.AlternateLookup<ReadOnlySpan<char>> _byHash;

    public ConfiguredConsumerKeyStore(IReadOnlyDictionary<string, ConsumerOptions> consumers)
    {
        var byHash = new Dictionary<string, Consumer>(StringComparer.Ordinal);
        foreach (var (name, options) in consumers)
        {
            var roles = options.Roles.Count == 0 ? [Roles.Consumer] : options.Roles;
            var consumer = new Consumer(name, options.Group, roles.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
            foreach (var hash in options.KeyHashes)
            {
                if (KeyHash.TryParse(hash, out var hex)) byHash[hex] = consumer;
            }
        }
        ByHash = byHash.ToFrozenDictionary(StringComparer.Ordinal);
        _byHash = ByHash.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Configured consumers by key hash (upper-case hex), merged into <see cref="ConsumerDirectory"/>.</summary>
    public FrozenDictionary<string, Consumer> ByHash { get; }

    public bool TryFind(ReadOnlySpan<char> key, out Consumer consumer)
    {
        Span<char> hex = stackalloc char[64];
        KeyHash.ComputeHex(key, hex);
        return _byHash.TryGetValue(hex, out consumer!);
    }
}
