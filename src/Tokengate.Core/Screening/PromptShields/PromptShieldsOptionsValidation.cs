using Tokengate.Configuration;
using Tokengate.Secrets;

namespace Tokengate.Screening.PromptShields;

/// <summary>Validation of <c>Tokengate:Screening:PromptShields</c>, each error prefixed by its configuration path.</summary>
internal static class PromptShieldsOptionsValidation
{
    public const string Path = GatewayOptions.SectionName + ":Screening:PromptShields";

    public static void Validate(GatewayOptions options, ISecretResolver secrets, List<string> errors)
    {
        var o = options.Screening.PromptShields;
        if (!o.IsConfigured)
        {
            if (o.ApiKey is not null || o.ManagedIdentityClientId is not null)
                errors.Add($"{Path}:Endpoint: required when ApiKey or ManagedIdentityClientId is given (the Content Safety resource's endpoint).");
            return;
        }

        if (!Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            errors.Add($"{Path}:Endpoint: must be an absolute http or https URL such as 'https://contoso-safety.cognitiveservices.azure.com/' (was '{o.Endpoint}').");
        else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            errors.Add($"{Path}:Endpoint: must not have a query or fragment.");

        if (o.ApiKey is not null)
        {
            if (string.IsNullOrWhiteSpace(o.ApiKey)) errors.Add($"{Path}:ApiKey: must not be empty when given; give a secret reference such as 'env:CONTENT_SAFETY_KEY'.");
            else if (secrets.Check(o.ApiKey) is { } problem) errors.Add($"{Path}:ApiKey: {problem}");
            if (o.ManagedIdentityClientId is not null) errors.Add($"{Path}:ManagedIdentityClientId: only used when ApiKey is not given.");
        }
        else if (o.ManagedIdentityClientId is not null && !Guid.TryParse(o.ManagedIdentityClientId, out _))
        {
            errors.Add($"{Path}:ManagedIdentityClientId: must be a client id (a GUID) (was '{o.ManagedIdentityClientId}').");
        }

        if (string.IsNullOrWhiteSpace(o.ApiVersion)) errors.Add($"{Path}:ApiVersion: required, such as '2024-09-01'.");
        if (o.CallTimeout < TimeSpan.FromMilliseconds(50) || o.CallTimeout > TimeSpan.FromSeconds(30))
            errors.Add($"{Path}:CallTimeout: must be between 00:00:00.050 and 00:00:30 (was {o.CallTimeout}).");
        if (o.RequestsPer10Seconds is < 1 or > 100_000)
            errors.Add($"{Path}:RequestsPer10Seconds: must be between 1 and 100000 (was {o.RequestsPer10Seconds}).");
        if (o.MaxCallsPerScreen is < 1 or > 1_000)
            errors.Add($"{Path}:MaxCallsPerScreen: must be between 1 and 1000 (was {o.MaxCallsPerScreen}).");
        if (o.CacheEntries is < 0 or > 10_000_000)
            errors.Add($"{Path}:CacheEntries: must be between 0 and 10000000 (was {o.CacheEntries}).");
        if (o.CacheLifetime <= TimeSpan.Zero)
            errors.Add($"{Path}:CacheLifetime: must be positive, such as '01:00:00' (was {o.CacheLifetime}).");
    }
}
