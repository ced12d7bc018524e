using Tokengate.Identity;

namespace Tokengate.Configuration;

/// <summary>
/// The <c>Tokengate:Identity</c> section as part of the whole configuration, so checks that span sections (the
/// outbound allowlist must admit the OIDC issuer) see it. The OIDC settings themselves are read once at start
/// through <see cref="OidcOptions"/>.
/// </summary>
public sealed class IdentitySectionOptions
{
    /// <summary>Entra ID / OIDC bearer-token settings.</summary>
    public OidcOptions Oidc { get; set; } = new();
}
