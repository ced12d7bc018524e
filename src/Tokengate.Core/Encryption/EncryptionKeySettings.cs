using Tokengate.Storage;

namespace Tokengate.Encryption;

/// <summary>
/// The key-encryption keys <see cref="EncryptionOptions"/> resolve to, with paths made absolute and the default
/// local key filled in when none is configured.
/// </summary>
/// <param name="LocalKeys">Local key id → absolute key file path.</param>
/// <param name="KeyVaultKey">The Key Vault key, when one is configured.</param>
/// <param name="CurrentKeyId">The id recorded with data keys the current KEK wraps: a local id or the Key Vault key URL.</param>
/// <param name="IsDefault">True when nothing was configured and the default local key beside the data folder is used.</param>
internal sealed record EncryptionKeySettings(IReadOnlyDictionary<string, string> LocalKeys, Uri? KeyVaultKey, string? CurrentKeyId, bool IsDefault)
{
    public const string DefaultKeyId = "kek-1";

    /// <summary>Where the default key lives: a folder beside the data folder, so a copy of the data folder alone cannot be read.</summary>
    public static string DefaultKeyPath(DataOptions data) =>
        Path.Combine(Path.TrimEndingDirectorySeparator(Path.GetFullPath(data.Directory)) + "-keys", DefaultKeyId + ".key");

    public static EncryptionKeySettings Resolve(EncryptionOptions options, DataOptions data)
    {
        var vault = string.IsNullOrWhiteSpace(options.KeyVaultKey) ? null : Uri.TryCreate(options.KeyVaultKey, UriKind.Absolute, out var u) ? u : null;
        if (options.LocalKeys.Count == 0 && string.IsNullOrWhiteSpace(options.KeyVaultKey))
            return new(new Dictionary<string, string> { [DefaultKeyId] = DefaultKeyPath(data) }, null, DefaultKeyId, IsDefault: true);

        var local = options.LocalKeys.ToDictionary(k => k.Key, k => string.IsNullOrWhiteSpace(k.Value) ? "" : Path.GetFullPath(k.Value), StringComparer.Ordinal);
        var current = options.CurrentKey;
        if (string.IsNullOrWhiteSpace(current))
        {
            current = vault is null && local.Count == 1 ? local.Keys.Single()
                : vault is not null && local.Count == 0 ? vault.AbsoluteUri
                : null;
        }
        else if (vault is not null && string.Equals(current, options.KeyVaultKey, StringComparison.OrdinalIgnoreCase))
        {
            current = vault.AbsoluteUri;
        }
        return new(local, vault, current, IsDefault: false);
    }
}
