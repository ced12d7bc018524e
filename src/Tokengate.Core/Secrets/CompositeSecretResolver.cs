namespace Tokengate.Secrets;

/// <summary>Chooses the resolver by the reference's prefix: <c>env:</c>, <c>file:</c> or <c>keyvault:</c>.</summary>
internal sealed class CompositeSecretResolver(ISecretResolver environment, ISecretResolver file, ISecretResolver keyVault) : ISecretResolver
{
    private const string Unknown =
        "must be a secret reference: 'env:VARIABLE', 'file:NAME' (the local secret file) or 'keyvault:https://VAULT.vault.azure.net/secrets/NAME'; secrets are never accepted in plain configuration.";

    public string? Check(string reference) => For(reference) is { } resolver ? resolver.Check(reference) : Unknown;

    public string Resolve(string reference) =>
        (For(reference) ?? throw new InvalidOperationException(Unknown)).Resolve(reference);

    private ISecretResolver? For(string reference) =>
        reference.StartsWith("env:", StringComparison.Ordinal) ? environment
        : reference.StartsWith(FileSecretResolver.Prefix, StringComparison.Ordinal) ? file
        : reference.StartsWith(KeyVaultReference.Prefix, StringComparison.Ordinal) ? keyVault
        : null;
}
