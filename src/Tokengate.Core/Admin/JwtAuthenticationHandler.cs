using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Admin;

/// <summary>
/// Authenticates admin API calls with an Entra ID / OIDC bearer token, validated and mapped exactly as on the model
/// routes (<see cref="JwtConsumerAuthenticator"/>), so a principal has the same name and roles on both.
/// </summary>
internal sealed class JwtAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    JwtConsumerAuthenticator jwt)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TokengateJwt";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = PresentedKeys.From(Request.Headers);
        if (token.IsEmpty) return AuthenticateResult.NoResult();
        var consumer = await jwt.AuthenticateAsync(token.ToString(), Context.RequestAborted).ConfigureAwait(false);
        return consumer is null
            ? AuthenticateResult.Fail("Invalid token.")
            : AuthenticateResult.Success(new AuthenticationTicket(ConsumerPrincipal.Create(consumer, SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => GatewayError.InvalidKey.WriteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AdminApi.Forbidden.WriteAsync(Context);
}
