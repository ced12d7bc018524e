using Microsoft.Extensions.Options;

namespace Tokengate.Identity;

/// <summary>Checks <see cref="OidcOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class OidcOptionsValidator : IValidateOptions<OidcOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions o)
    {
        if (!o.Enabled) return ValidateOptionsResult.Success;
        const string P = OidcOptions.SectionName;
        var errors = new List<string>();
        Url(o.Authority, $"{P}:Authority", o.RequireHttpsMetadata, errors);
        Url(o.MetadataAddress, $"{P}:MetadataAddress", o.RequireHttpsMetadata, errors);
        Url(o.JwksUri, $"{P}:JwksUri", o.RequireHttpsMetadata, errors);
        if (o.EffectiveMetadataAddress is null && string.IsNullOrWhiteSpace(o.Issuer))
            errors.Add($"{P}:Issuer: required when keys come from JwksUri without a discovery document.");
        if (o.EffectiveMetadataAddress is not null && !string.IsNullOrWhiteSpace(o.JwksUri))
            errors.Add($"{P}:JwksUri: give either Authority / MetadataAddress (discovery) or JwksUri with Issuer, not both.");
        if (o.Audiences.Count == 0 || o.Audiences.Exists(string.IsNullOrWhiteSpace))
            errors.Add($"{P}:Audiences: at least one non-empty audience is required (e.g. 'api://tokengate').");
        if (o.ClockSkew < TimeSpan.Zero || o.ClockSkew > TimeSpan.FromMinutes(10))
            errors.Add($"{P}:ClockSkew: must be between 00:00:00 and 00:10:00 (was {o.ClockSkew}).");
        Positive(o.MetadataRefreshInterval, $"{P}:MetadataRefreshInterval", errors);
        Positive(o.MetadataTimeout, $"{P}:MetadataTimeout", errors);
        if (o.UnknownKeyRefreshInterval < TimeSpan.Zero)
            errors.Add($"{P}:UnknownKeyRefreshInterval: must not be negative (was {o.UnknownKeyRefreshInterval}).");
        if (o.TokenCacheDuration < TimeSpan.Zero)
            errors.Add($"{P}:TokenCacheDuration: must not be negative (was {o.TokenCacheDuration}).");
        if (o.TokenCacheSize is < 0 or > 1_000_000)
            errors.Add($"{P}:TokenCacheSize: must be between 0 and 1000000 (was {o.TokenCacheSize}).");
        if (o.ConsumerClaims.Exists(string.IsNullOrWhiteSpace)) errors.Add($"{P}:ConsumerClaims: a claim name is empty.");
        if (string.IsNullOrWhiteSpace(o.GroupClaim)) errors.Add($"{P}:GroupClaim: must not be empty.");
        if (string.IsNullOrWhiteSpace(o.RoleClaim)) errors.Add($"{P}:RoleClaim: must not be empty.");
        foreach (var (value, role) in o.RoleMap)
        {
            if (!Roles.All.Contains(role, StringComparer.OrdinalIgnoreCase))
                errors.Add($"{P}:RoleMap:{value}: unknown role '{role}' (known: {string.Join(", ", Roles.All)}).");
        }
        foreach (var (value, consumer) in o.ConsumerNames)
        {
            if (string.IsNullOrWhiteSpace(consumer)) errors.Add($"{P}:ConsumerNames:{value}: must not be empty.");
        }
        foreach (var (value, group) in o.GroupMap)
        {
            if (string.IsNullOrWhiteSpace(group)) errors.Add($"{P}:GroupMap:{value}: must not be empty.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Url(string? value, string path, bool requireHttps, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            errors.Add($"{path}: must be an absolute http or https URL (was '{value}').");
        else if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
            errors.Add($"{path}: must be https (set RequireHttpsMetadata to false only for a local test issuer).");
    }

    private static void Positive(TimeSpan value, string path, List<string> errors)
    {
        if (value <= TimeSpan.Zero) errors.Add($"{path}: must be a positive duration such as '00:00:30' (was {value}).");
    }
}
