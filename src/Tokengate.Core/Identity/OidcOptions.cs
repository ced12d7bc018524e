namespace Tokengate.Identity;

/// <summary>
/// Entra ID / OpenID Connect: consumers and admins may send <c>Authorization: Bearer &lt;JWT&gt;</c> instead of a
/// gateway key. Bound from <c>Tokengate:Identity:Oidc</c>, read once at start. Off unless <see cref="Authority"/>,
/// <see cref="MetadataAddress"/> or <see cref="JwksUri"/> is set.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Identity:Oidc";

    /// <summary>
    /// The issuer's base URL, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; metadata is read from
    /// <c>{Authority}/.well-known/openid-configuration</c>. Default: none.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The discovery document's URL, when it is not under <see cref="Authority"/>. Default: derived from it.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// The expected <c>iss</c>. Default: the issuer named in the discovery document. Required with
    /// <see cref="JwksUri"/> (no discovery).
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The signing keys' URL, for issuers without discovery (then <see cref="Issuer"/> is required). Default: none.</summary>
    public string? JwksUri { get; set; }

    /// <summary>Accepted <c>aud</c> values (e.g. <c>api://tokengate</c> or the app's client id). Required: at least one.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>Tolerance for clock differences when checking <c>exp</c> and <c>nbf</c>, 0 to 10 minutes. Default 2 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Metadata and keys must come over https. Default true; turn off only for a local test issuer.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How often metadata and signing keys are re-read even when nothing asks for it. Default 12 hours.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// A token signed with an unknown key id makes the gateway re-read the keys (the issuer rotated them), at most
    /// once per this interval so unknown keys cannot be used to flood the issuer. Default 5 minutes.
    /// </summary>
    public TimeSpan UnknownKeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait for the issuer's metadata or keys. Default 10 s.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a validated token is remembered so the next request with it skips signature checks; never past the
    /// token's own expiry. Default 5 minutes; 0 turns the cache off.
    /// </summary>
    public TimeSpan TokenCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most tokens remembered at once, 0 to 1,000,000. Default 10,000.</summary>
    public int TokenCacheSize { get; set; } = 10_000;

    /// <summary>
    /// Claims that name the consumer, the first present wins. Default <c>azp</c>, <c>appid</c>, <c>oid</c>,
    /// <c>sub</c> (the calling application first, as Entra ID v2 and v1 tokens name it).
    /// </summary>
    public List<string> ConsumerClaims { get; set; } = [];

    /// <summary>Consumer names by claim value (e.g. an application id → <c>checkout-app</c>). Unlisted values are used as they are.</summary>
    public Dictionary<string, string> ConsumerNames { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The claim that lists the caller's groups. Default <c>groups</c>.</summary>
    public string GroupClaim { get; set; } = "groups";

    /// <summary>
    /// Gateway consumer groups by claim value (e.g. an Entra group object id → <c>checkout</c>). When set, the first
    /// listed value the token carries is the group and unlisted values are ignored; when empty, the first value is
    /// the group as it is. Default: empty.
    /// </summary>
    public Dictionary<string, string> GroupMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The claim that lists the caller's app roles. Default <c>roles</c>.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>
    /// Gateway roles by claim value (e.g. <c>Tokengate.Operator</c> → <c>operator</c>). A value that is itself a
    /// gateway role name counts as that role. A token with no role gets <c>consumer</c>, like a key. Default: empty.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when an issuer is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress) || !string.IsNullOrWhiteSpace(JwksUri);

    /// <summary>The consumer claims in force (<see cref="ConsumerClaims"/> or the defaults).</summary>
    public IReadOnlyList<string> EffectiveConsumerClaims => ConsumerClaims.Count > 0 ? ConsumerClaims : ["azp", "appid", "oid", "sub"];

    /// <summary>The discovery document's URL, or null when keys come from <see cref="JwksUri"/> alone.</summary>
    public string? EffectiveMetadataAddress =>
        !string.IsNullOrWhiteSpace(MetadataAddress) ? MetadataAddress
        : !string.IsNullOrWhiteSpace(Authority) ? Authority.TrimEnd('/') + "/.well-known/openid-configuration"
        : null;
}
