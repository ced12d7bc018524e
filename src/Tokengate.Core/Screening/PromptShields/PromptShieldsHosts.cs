using Tokengate.Configuration;
using Tokengate.Secrets;

namespace Tokengate.Screening.PromptShields;

/// <summary>The hosts Prompt Shields makes the gateway call, for the outbound allowlist.</summary>
internal static class PromptShieldsHosts
{
    /// <summary>The endpoint's host, and the Key Vault of its key when the key is a Key Vault reference.</summary>
    public static IEnumerable<(string Path, string Host)> Of(GatewayOptions options)
    {
        var o = options.Screening.PromptShields;
        if (!o.IsConfigured) yield break;
        if (Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var endpoint)) yield return ($"{PromptShieldsOptionsValidation.Path}:Endpoint", endpoint.IdnHost);
        if (o.ApiKey is not null && KeyVaultReference.TryParse(o.ApiKey, out var reference, out _))
            yield return ($"{PromptShieldsOptionsValidation.Path}:ApiKey", reference.VaultUri.IdnHost);
    }

    /// <summary>The setting that makes Prompt Shields sign in with Entra ID (or use Key Vault), or null when it does not.</summary>
    public static string? EntraUse(GatewayOptions options)
    {
        var o = options.Screening.PromptShields;
        if (!o.IsConfigured) return null;
        if (o.ApiKey is null) return $"{PromptShieldsOptionsValidation.Path}:Endpoint";
        return KeyVaultReference.TryParse(o.ApiKey, out _, out _) ? $"{PromptShieldsOptionsValidation.Path}:ApiKey" : null;
    }
}
