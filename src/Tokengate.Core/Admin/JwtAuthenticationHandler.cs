using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Admin;

/// <summary>
/// Admin API calls with an Entra ID / OIDC bearer token, validated and mapped exactly as on the model routes
/// (<see cref="JwtConsumerAuthenticator"/>), so a principal has the same name and roles on both.
/// </summary>
internal sealed class JwtAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    UrlEncoder encoder,
    GatewayConfiguration configuration,
    JwtConsumerAuthenticator jwt,
    AuthFailureThrottle throttle,
    FailureAudit failures)
    : AdminAuthenticationHandler(options, encoder, configuration, throttle, failures)
{
    public const string SchemeName = "TokengateJwt";

    protected override ValueTask<CredentialCheck> CheckAsync(string credential, CancellationToken cancellationToken) =>
        jwt.AuthenticateAsync(credential, cancellationToken);
}
