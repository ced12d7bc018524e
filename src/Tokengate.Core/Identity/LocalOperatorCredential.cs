using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Tokengate.Identity;

/// <summary>
/// A random operator key made at start and known to this process only (never stored in the database); see
/// <see cref="LocalOperatorAccess"/> for how the CLI gets it.
/// </summary>
internal sealed class LocalOperatorCredential
{
    public const string ConsumerName = "local-operator";

    public LocalOperatorCredential(IOptions<KeyStoreOptions> options)
    {
        Enabled = options.Value.LocalOperatorAccess;
        Key = ConsumerKeys.Generate("tg_local_");
        Span<char> hex = stackalloc char[64];
        KeyHash.ComputeHex(Key, hex);
        HashHex = new string(hex);
    }

    public bool Enabled { get; }

    /// <summary>The plain key; written only to the 0600 file in the data folder.</summary>
    public string Key { get; }

    /// <summary>The key's hash, for the in-memory lookup.</summary>
    public string HashHex { get; }

    public Consumer Consumer { get; } = new(ConsumerName, null, new[] { Roles.Operator }.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
}
