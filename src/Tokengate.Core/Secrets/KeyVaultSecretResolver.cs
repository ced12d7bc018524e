namespace Tokengate.Secrets;

/// <summary>
/// Resolves <c>keyvault:https://VAULT.vault.azure.net/secrets/NAME[/VERSION]</c>. <see cref="Check"/> looks at the
/// reference only: the vault is read when the configuration is compiled (start, reload) and on key rotation, and a
/// failure there is reported with the configuration path, so a validation pass does not read every secret twice.
/// </summary>
internal sealed class KeyVaultSecretResolver(IKeyVaultSecretClient client) : ISecretResolver
{
    public string? Check(string reference) => KeyVaultReference.TryParse(reference, out _, out var problem) ? null : problem;

    public string Resolve(string reference)
    {
        if (!KeyVaultReference.TryParse(reference, out var parsed, out var problem)) throw new InvalidOperationException(problem);
        if (!client.TryGetSecret(parsed, out var value, out problem)) throw new InvalidOperationException(problem);
        if (value.Length == 0) throw new InvalidOperationException($"Key Vault {parsed} is empty.");
        return value;
    }
}
