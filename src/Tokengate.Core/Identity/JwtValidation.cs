using Microsoft.IdentityModel.Tokens;

namespace Tokengate.Identity;

/// <summary>
/// How every token the gateway accepts from an identity provider is checked (bearer tokens on the model and admin
/// routes, id tokens of the console's single sign-on): signed with an asymmetric key of the issuer, issuer and audience
/// as configured, and a lifetime read from the gateway's <see cref="TimeProvider"/> rather than the system clock.
/// </summary>
internal static class JwtValidation
{
    // Only the issuer's public keys can sign: a symmetric algorithm would let anyone holding a shared secret mint tokens.
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static TokenValidationParameters Parameters(
        string issuer, IEnumerable<string> audiences, IEnumerable<SecurityKey> keys, TimeSpan clockSkew, TimeProvider time) => new()
    {
        ValidIssuer = issuer,
        ValidAudiences = audiences,
        IssuerSigningKeys = keys,
        ValidAlgorithms = AsymmetricAlgorithms,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateIssuerSigningKey = true,
        ValidateLifetime = true,
        ClockSkew = clockSkew,
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (expires is null || now - clockSkew >= expires.Value) return false;
            return notBefore is null || now + clockSkew >= notBefore.Value;
        },
    };
}
