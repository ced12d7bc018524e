namespace Tokengate.Secrets;

/// <summary>Reads one secret from Azure Key Vault; the seam between the resolver and the network.</summary>
internal interface IKeyVaultSecretClient
{
    /// <summary>
    /// The secret's current value (or the named version). On failure, <paramref name="problem"/> says why in words that
    /// name the vault and secret but never carry a value.
    /// </summary>
    bool TryGetSecret(KeyVaultReference reference, out string value, out string problem);
}
