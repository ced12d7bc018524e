using Tokengate.Secrets;

namespace Tokengate.Assessment;

/// <summary>
/// Accepts any well-formed secret reference without reading it: an assessment judges where secrets come from,
/// and must run in CI where the environment variables and Key Vault are not there.
/// </summary>
internal sealed class ShapeOnlySecretResolver : ISecretResolver
{
    public string? Check(string reference) => SecurityRules.IsReference(reference) ? null
        : "must be a secret reference: 'env:VARIABLE', 'file:NAME' or 'keyvault:https://VAULT.vault.azure.net/secrets/NAME'.";

    public string Resolve(string reference) => "assessment-placeholder";
}
