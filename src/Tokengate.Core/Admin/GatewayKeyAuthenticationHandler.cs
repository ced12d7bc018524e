using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Admin;

/// <summary>
/// Admin API calls with a gateway key (<c>api-key</c> or <c>Authorization: Bearer</c>), the same keys consumers use;
/// the consumer's roles become role claims.
/// </summary>
internal sealed class GatewayKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    GatewayConfiguration configuration,
    IConsumerKeyStore consumers,
    AuthFailureThrottle throttle,
    IAuditLog audit,
    TimeProvider time)
    : AdminAuthenticationHandler(options, logger, encoder, configuration, throttle, audit, time)
{
    public const string SchemeName = "TokengateKey";
    public const string GroupClaim = ConsumerPrincipal.GroupClaim;

    protected override ValueTask<Consumer?> FindConsumerAsync(string credential, CancellationToken cancellationToken) =>
        ValueTask.FromResult(consumers.TryFind(credential, out var consumer) ? consumer : null);
}
