namespace Tokengate.OperatorConsole;

/// <summary>
/// Console sign-in through an OpenID Connect provider (<c>Tokengate:Console:Oidc</c>): the authorization-code flow
/// with PKCE (S256), state and nonce. The signed-in user becomes a principal with a name and roles by the same
/// claim mapping as bearer tokens on the admin API. Off unless <see cref="Authority"/> is set.
/// </summary>
public sealed class ConsoleOidcOptions
{
    /// <summary>
    /// The provider's issuer URL, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; its metadata is read
    /// from <c>{Authority}/.well-known/openid-configuration</c>. Default: none (OIDC sign-in off).
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The application (client) id registered with the provider; the id token's audience. Required with <see cref="Authority"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// A secret reference (<c>env:NAME</c>, <c>file:NAME</c>, <c>keyvault:https://...</c>) to the client secret, for
    /// providers that require one from a web application; sent in the token request body. Read once, at the first
    /// sign-in. Default: none (a public client, PKCE only).
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for; must include <c>openid</c>. Default <c>openid</c>, <c>profile</c>, <c>email</c>.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>What the sign-in page calls the provider. Default <c>Single sign-on</c>.</summary>
    public string DisplayName { get; set; } = "Single sign-on";

    /// <summary>
    /// The callback URL registered with the provider. Default: <c>{scheme}://{host}/console/signin/oidc/callback</c>
    /// of the request that started the sign-in; set it when a proxy in front of the gateway changes scheme or host.
    /// </summary>
    public string? RedirectUri { get; set; }

    /// <summary>Metadata and keys must come over https. Default true; turn off only for a local test provider.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Longest wait for the provider's metadata, keys or token endpoint. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a started sign-in may take before its callback is refused, 1 to 60 minutes. Default 10 minutes.</summary>
    public TimeSpan SignInTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tolerance for clock differences when checking the id token's <c>exp</c> and <c>nbf</c>, 0 to 10 minutes. Default 2 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Claims that name the user, the first present wins. Default <c>preferred_username</c>, <c>email</c>,
    /// <c>oid</c>, <c>sub</c> (a person, not the application as for bearer tokens).
    /// </summary>
    public List<string> ConsumerClaims { get; set; } = [];

    /// <summary>Principal names by claim value. Unlisted values are used as they are. Default: empty.</summary>
    public Dictionary<string, string> ConsumerNames { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The claim that lists the user's app roles. Default <c>roles</c>.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>
    /// Gateway roles by claim value (e.g. <c>Tokengate.Operator</c> → <c>operator</c>); a value that is itself a role
    /// name counts as that role. Default: empty, which uses <c>Tokengate:Identity:Oidc:RoleMap</c>.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when a provider is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>The scopes in force (<see cref="Scopes"/> or the defaults).</summary>
    public IReadOnlyList<string> EffectiveScopes => Scopes.Count > 0 ? Scopes : ["openid", "profile", "email"];

    /// <summary>The user claims in force (<see cref="ConsumerClaims"/> or the defaults).</summary>
    public IReadOnlyList<string> EffectiveConsumerClaims => ConsumerClaims.Count > 0 ? ConsumerClaims : ["preferred_username", "email", "oid", "sub"];

    /// <summary>The discovery document's URL.</summary>
    public string? MetadataAddress => Enabled ? Authority!.TrimEnd('/') + "/.well-known/openid-configuration" : null;
}
