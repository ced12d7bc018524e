using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
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
    ILoggerFactory logger,
    UrlEncoder encoder,
    GatewayConfiguration configuration,
    JwtConsumerAuthenticator jwt,
    AuthFailureThrottle throttle,
    IAuditLog audit,
    TimeProvider time)
    : AdminAuthenticationHandler(options, logger, encoder, configuration, throttle, audit, time)
{
    public const string SchemeName = "TokengateJwt";

    protected override async ValueTask<Consumer?> FindConsumerAsync(string credential, CancellationToken cancellationToken) =>
        await jwt.AuthenticateAsync(credential, cancellationToken).ConfigureAwait(false);
}
