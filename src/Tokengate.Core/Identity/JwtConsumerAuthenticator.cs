using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tokengate.Identity;

/// <summary>
/// Validates an Entra ID / OIDC bearer token — signature by the issuer's keys (asymmetric algorithms only, so
/// <c>alg: none</c> and shared-secret tokens are refused), issuer, audience, <c>exp</c> / <c>nbf</c> against
/// <see cref="TimeProvider"/> — and maps its claims to a <see cref="Consumer"/>. Validated tokens are remembered
/// briefly. Tokens are never logged or audited; the reason a token was refused goes to the caller, which audits it
/// aggregated (one record and one log line per address and reason per interval, not one per request).
/// </summary>
internal sealed class JwtConsumerAuthenticator
{
    private readonly OidcOptions _options;
    private readonly OidcSigningKeys? _keys;
    private readonly JwtClaimMapper _mapper;
    private readonly JwtTokenCache _cache;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();

    public JwtConsumerAuthenticator(OidcOptions options, OidcSigningKeys? keys, TimeProvider time)
    {
        _options = options;
        _keys = keys;
        _time = time;
        _mapper = new JwtClaimMapper(options);
        _cache = new JwtTokenCache(options.TokenCacheSize);
    }

    /// <summary>True when an issuer is configured; otherwise every token is refused.</summary>
    public bool Enabled => _keys is not null;

    /// <summary>The consumer the token stands for, or why it is not valid (the caller answers 401).</summary>
    public async ValueTask<CredentialCheck> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (_keys is null) return CredentialCheck.Refused("invalid token: no token issuer is configured");
        var now = _time.GetUtcNow();
        if (_cache.TryGet(token, now, out var cached)) return CredentialCheck.Valid(cached);

        var keys = await _keys.GetAsync(cancellationToken).ConfigureAwait(false);
        if (keys is null) return CredentialCheck.Refused("invalid token: the issuer's signing keys could not be read");
        var result = await _handler.ValidateTokenAsync(token, Parameters(keys)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException
            && await _keys.RefreshForUnknownKeyAsync().ConfigureAwait(false) is { } refreshed)
        {
            result = await _handler.ValidateTokenAsync(token, Parameters(refreshed)).ConfigureAwait(false);
        }
        // The exception's type, never its message: that can quote the token's claims.
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
            return CredentialCheck.Refused("invalid token: " + (result.Exception?.GetType().Name ?? "not a JWT"));

        var consumer = _mapper.Map(jwt.Claims);
        if (consumer is null) return CredentialCheck.Refused("invalid token: the token carries none of the consumer claims");
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        var cacheUntil = now + _options.TokenCacheDuration;
        _cache.Add(token, consumer, expires < cacheUntil ? expires : cacheUntil, now);
        return CredentialCheck.Valid(consumer);
    }

    private TokenValidationParameters Parameters(OidcKeySet keys) =>
        JwtValidation.Parameters(keys.Issuer, _options.Audiences, keys.Keys, _options.ClockSkew, _time);
}
