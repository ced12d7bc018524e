using Microsoft.Extensions.Options;
using Tokengate.Identity;
using Tokengate.Secrets;

namespace Tokengate.OperatorConsole;

/// <summary>Checks <see cref="ConsoleOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class ConsoleOptionsValidator(ISecretResolver secrets) : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions o)
    {
        const string P = ConsoleOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrEmpty(o.CookieName) || !o.CookieName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            errors.Add($"{P}:CookieName: only letters, digits, '-' and '_' (was '{o.CookieName}').");
        if (o.AbsoluteLifetime < TimeSpan.FromMinutes(1) || o.AbsoluteLifetime > TimeSpan.FromDays(30))
            errors.Add($"{P}:AbsoluteLifetime: must be between 00:01:00 and 30.00:00:00 (was {o.AbsoluteLifetime}).");
        if (o.SlidingExpiration < TimeSpan.FromMinutes(1) || o.SlidingExpiration > o.AbsoluteLifetime)
            errors.Add($"{P}:SlidingExpiration: must be at least 00:01:00 and at most AbsoluteLifetime {o.AbsoluteLifetime} (was {o.SlidingExpiration}).");

        var oidc = o.Oidc;
        if (!oidc.Enabled) return Result(errors);
        const string O = P + ":Oidc";
        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
            errors.Add($"{O}:Authority: must be an absolute http or https URL (was '{oidc.Authority}').");
        else if (oidc.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
            errors.Add($"{O}:Authority: must be https (set RequireHttpsMetadata to false only for a local test provider).");
        if (string.IsNullOrWhiteSpace(oidc.ClientId)) errors.Add($"{O}:ClientId: required when Authority is set.");
        if (!string.IsNullOrWhiteSpace(oidc.ClientSecret) && secrets.Check(oidc.ClientSecret) is { } problem)
            errors.Add($"{O}:ClientSecret: {problem}");
        if (!oidc.EffectiveScopes.Contains("openid", StringComparer.Ordinal)) errors.Add($"{O}:Scopes: must include 'openid'.");
        if (oidc.EffectiveScopes.Any(s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal)))
            errors.Add($"{O}:Scopes: a scope is empty or contains a space.");
        if (string.IsNullOrWhiteSpace(oidc.DisplayName)) errors.Add($"{O}:DisplayName: must not be empty.");
        if (oidc.RedirectUri is not null && (!Uri.TryCreate(oidc.RedirectUri, UriKind.Absolute, out var redirect)
            || (redirect.Scheme != Uri.UriSchemeHttps && redirect.Scheme != Uri.UriSchemeHttp)))
            errors.Add($"{O}:RedirectUri: must be an absolute http or https URL (was '{oidc.RedirectUri}').");
        if (oidc.Timeout <= TimeSpan.Zero) errors.Add($"{O}:Timeout: must be a positive duration such as '00:00:10' (was {oidc.Timeout}).");
        if (oidc.SignInTimeout < TimeSpan.FromMinutes(1) || oidc.SignInTimeout > TimeSpan.FromHours(1))
            errors.Add($"{O}:SignInTimeout: must be between 00:01:00 and 01:00:00 (was {oidc.SignInTimeout}).");
        if (oidc.ClockSkew < TimeSpan.Zero || oidc.ClockSkew > TimeSpan.FromMinutes(10))
            errors.Add($"{O}:ClockSkew: must be between 00:00:00 and 00:10:00 (was {oidc.ClockSkew}).");
        if (oidc.ConsumerClaims.Exists(string.IsNullOrWhiteSpace)) errors.Add($"{O}:ConsumerClaims: a claim name is empty.");
        if (string.IsNullOrWhiteSpace(oidc.RoleClaim)) errors.Add($"{O}:RoleClaim: must not be empty.");
        foreach (var (value, role) in oidc.RoleMap)
        {
            if (!Roles.All.Contains(role, StringComparer.OrdinalIgnoreCase))
                errors.Add($"{O}:RoleMap:{value}: unknown role '{role}' (known: {string.Join(", ", Roles.All)}).");
        }
        return Result(errors);
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
