using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
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
    UrlEncoder encoder,
    GatewayConfiguration configuration,
    IConsumerKeyStore consumers,
    AuthFailureThrottle throttle,
    FailureAudit failures)
    : AdminAuthenticationHandler(options, encoder, configuration, throttle, failures)
{
    public const string SchemeName = "TokengateKey";
    public const string GroupClaim = ConsumerPrincipal.GroupClaim;

    protected override ValueTask<CredentialCheck> CheckAsync(string credential, CancellationToken cancellationToken) =>
        ValueTask.FromResult(consumers.TryFind(credential, out var consumer) ? CredentialCheck.Valid(consumer) : CredentialCheck.Refused(FailureAudit.InvalidKey));
}
