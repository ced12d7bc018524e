namespace Tokengate.Encryption;

/// <summary>
/// Encryption at rest of what consumers send (<c>Tokengate:Encryption</c>): which key-encryption keys (KEKs) wrap the
/// per-object data keys. Encryption is always on; with no key configured the gateway makes a local key file beside
/// the data folder (<c>&lt;data&gt;-keys/kek-1.key</c>) on first start and warns that production should configure
/// its own. Read once at start.
/// </summary>
public sealed class EncryptionOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Encryption";

    /// <summary>
    /// Local KEKs: key id → key file (base64 of 32 random bytes, as <c>tokengate encryption create-key</c> or
    /// <c>openssl rand -base64 32</c> writes it). Files must lie outside <c>Tokengate:Data:Directory</c>. The id is
    /// recorded with every data key it wraps, so keep a key listed under its id until a rotation has moved every data
    /// key off it. Ids: letters, digits, '.', '_' and '-'. Default none.
    /// </summary>
    public Dictionary<string, string> LocalKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// An Azure Key Vault (or Managed HSM) key, with its version:
    /// <c>https://VAULT.vault.azure.net/keys/NAME/VERSION</c>. Data keys are wrapped and unwrapped by the vault
    /// (<c>wrapkey</c>/<c>unwrapkey</c>); the gateway's identity needs the <i>Key Vault Crypto User</i> role. Data keys
    /// wrapped by another version of the same key are unwrapped with that version. Default none.
    /// </summary>
    public string? KeyVaultKey { get; set; }

    /// <summary>The wrap algorithm of <see cref="KeyVaultKey"/>: <c>RSA-OAEP-256</c> (default; RSA keys) or <c>A256KW</c> (Managed HSM AES keys).</summary>
    public string KeyVaultAlgorithm { get; set; } = "RSA-OAEP-256";

    /// <summary>A user-assigned managed identity for Key Vault. Default none: the Azure.Identity default chain.</summary>
    public string? KeyVaultManagedIdentityClientId { get; set; }

    /// <summary>
    /// The KEK that wraps new data keys and that <c>rotate</c> re-wraps every data key with: a <see cref="LocalKeys"/> id,
    /// or the <see cref="KeyVaultKey"/> URL. Default: the only key configured (required when there are several).
    /// </summary>
    public string? CurrentKey { get; set; }

    /// <summary>Most unwrapped data keys kept in memory (least recently used go first); 0 keeps none. Default 1000; 0 to 1,000,000.</summary>
    public int CacheSize { get; set; } = 1000;

    /// <summary>
    /// How long an unwrapped data key stays in memory after it was unwrapped. It bounds how long another instance of a
    /// fleet can still decrypt an object shredded elsewhere. Default 1 minute; 0 to 1 hour.
    /// </summary>
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Data keys re-wrapped per database batch during a rotation. Default 200; 1 to 10,000.</summary>
    public int RotationBatchSize { get; set; } = 200;
}
