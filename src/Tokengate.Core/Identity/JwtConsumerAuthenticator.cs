using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tokengate.Identity;

/// <summary>
/// Validates an Entra ID / OIDC bearer token — signature by the issuer's keys (asymmetric algorithms only, so
/// <c>alg: none</c> and shared-secret tokens are refused), issuer, audience, <c>exp</c> / <c>nbf</c> against
/// <see cref="TimeProvider"/> — and maps its claims to a <see cref="Consumer"/>. Validated tokens are remembered
/// briefly. Tokens are never logged; only the reason a token was refused.
/// </summary>
internal sealed partial class JwtConsumerAuthenticator
{
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly OidcOptions _options;
    private readonly OidcSigningKeys? _keys;
    private readonly JwtClaimMapper _mapper;
    private readonly JwtTokenCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<JwtConsumerAuthenticator> _logger;
    private readonly JsonWebTokenHandler _handler = new();

    public JwtConsumerAuthenticator(OidcOptions options, OidcSigningKeys? keys, TimeProvider time, ILogger<JwtConsumerAuthenticator> logger)
    {
        _options = options;
        _keys = keys;
        _time = time;
        _logger = logger;
        _mapper = new JwtClaimMapper(options);
        _cache = new JwtTokenCache(options.TokenCacheSize);
    }

    /// <summary>True when an issuer is configured; otherwise every token is refused.</summary>
    public bool Enabled => _keys is not null;

    /// <summary>The consumer the token stands for, or null when it is not valid (the caller answers 401).</summary>
    public async ValueTask<Consumer?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (_keys is null) return null;
        var now = _time.GetUtcNow();
        if (_cache.TryGet(token, now, out var cached)) return cached;

        var keys = await _keys.GetAsync(cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            LogRefused(_logger, "the issuer's signing keys could not be read");
            return null;
        }
        var result = await _handler.ValidateTokenAsync(token, Parameters(keys)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException
            && await _keys.RefreshForUnknownKeyAsync().ConfigureAwait(false) is { } refreshed)
        {
            result = await _handler.ValidateTokenAsync(token, Parameters(refreshed)).ConfigureAwait(false);
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            LogRefused(_logger, result.Exception?.GetType().Name ?? "invalid token");
            return null;
        }

        var consumer = _mapper.Map(jwt.Claims);
        if (consumer is null)
        {
            LogRefused(_logger, "the token carries none of the consumer claims");
            return null;
        }
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        var cacheUntil = now + _options.TokenCacheDuration;
        _cache.Add(token, consumer, expires < cacheUntil ? expires : cacheUntil, now);
        return consumer;
    }

    private TokenValidationParameters Parameters(OidcKeySet keys) => new()
    {
        ValidIssuer = keys.Issuer,
        ValidAudiences = _options.Audiences,
        IssuerSigningKeys = keys.Keys,
        ValidAlgorithms = AsymmetricAlgorithms,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateIssuerSigningKey = true,
        ValidateLifetime = true,
        ClockSkew = _options.ClockSkew,
        LifetimeValidator = ValidateLifetime,
    };

    // The library's own check reads the system clock; this one reads the gateway's TimeProvider.
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is null || now - _options.ClockSkew >= expires.Value) return false;
        return notBefore is null || now + _options.ClockSkew >= notBefore.Value;
    }

    [LoggerMessage(1, LogLevel.Debug, "Bearer token refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
