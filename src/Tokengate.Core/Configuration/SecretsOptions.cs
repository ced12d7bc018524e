namespace Tokengate.Configuration;

/// <summary>Where <c>file:</c> secret references are read from, and how <c>keyvault:</c> references authenticate.</summary>
public sealed class SecretsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionPath = GatewayOptions.SectionName + ":Secrets";

    /// <summary>
    /// The local secret file (AES-256-GCM), created by <c>tokengate secrets init</c>. Relative paths are from the
    /// working directory. Default <c>tokengate-data/secrets.enc</c>.
    /// </summary>
    public string FilePath { get; set; } = "tokengate-data/secrets.enc";

    /// <summary>
    /// The file holding the secret file's key (base64 of 32 bytes, mode 0600). Keep it on a different volume or
    /// mount than the secret file. Default <c>tokengate-data/secrets.key</c>. Ignored when
    /// <see cref="KeyEnvironmentVariable"/> is set.
    /// </summary>
    public string KeyPath { get; set; } = "tokengate-data/secrets.key";

    /// <summary>
    /// An environment variable holding the key (base64 of 32 bytes) instead of <see cref="KeyPath"/>. Default: none.
    /// </summary>
    public string? KeyEnvironmentVariable { get; set; }

    /// <summary>
    /// Client id of a user-assigned managed identity used for <c>keyvault:</c> references. Default: the Azure.Identity
    /// default credential chain (environment, workload identity, managed identity, developer sign-ins).
    /// </summary>
    public string? KeyVaultManagedIdentityClientId { get; set; }
}
