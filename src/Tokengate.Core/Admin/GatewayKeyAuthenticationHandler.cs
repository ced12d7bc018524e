using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Admin;

/// <summary>
/// Authenticates admin API calls with a gateway key (<c>api-key</c> or <c>Authorization: Bearer</c>), the same keys
/// consumers use; the consumer's roles become role claims. Challenges and denials answer in the Azure error shape.
/// </summary>
internal sealed class GatewayKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    GatewayConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TokengateKey";
    public const string GroupClaim = ConsumerPrincipal.GroupClaim;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = PresentedKeys.From(Request.Headers);
        if (key.IsEmpty) return Task.FromResult(AuthenticateResult.NoResult());
        if (!configuration.Current.Consumers.TryFind(key, out var consumer))
            return Task.FromResult(AuthenticateResult.Fail("Invalid key."));

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(ConsumerPrincipal.Create(consumer, SchemeName), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => GatewayError.InvalidKey.WriteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AdminApi.Forbidden.WriteAsync(Context);
}
