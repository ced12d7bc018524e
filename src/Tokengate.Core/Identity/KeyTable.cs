using System.Collections.Frozen;

namespace Tokengate.Identity;

/// <summary>An immutable version of the key lookup: upper-case hex SHA-256 of a key → its <see cref="KeyEntry"/>.</summary>
internal sealed class KeyTable(FrozenDictionary<string, KeyEntry> entries)
{
    public static KeyTable Empty { get; } = new(FrozenDictionary<string, KeyEntry>.Empty);

    public FrozenDictionary<string, KeyEntry>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; } = entries.GetAlternateLookup<ReadOnlySpan<char>>();
}
