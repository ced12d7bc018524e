using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Admin;

/// <summary>
/// Authenticates admin API calls with a gateway key (<c>api-key</c> or <c>Authorization: Bearer</c>), the same keys
/// consumers use; the consumer's roles become role claims. Failures count toward the address's failure limit like
/// on the model routes. Challenges and denials answer in the Azure error shape and are audited.
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
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TokengateKey";
    public const string GroupClaim = ConsumerPrincipal.GroupClaim;

    // Handlers are created per request, so this is the state of this request only.
    private TimeSpan? _blockedFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // As the only registered scheme this one becomes the default, so the authentication middleware would run it
        // on model routes too: those identify in their own pipeline step, and must not hash or count a key twice.
        if (!Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        var address = CallerAddress.Of(Context, configuration.Current);
        if (throttle.IsBlocked(address, out var retryAfter))
        {
            _blockedFor = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many failures."));
        }
        var key = PresentedKeys.From(Request.Headers);
        if (key.IsEmpty) return Task.FromResult(AuthenticateResult.NoResult());
        if (!consumers.TryFind(key, out var consumer))
        {
            throttle.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail("Invalid key."));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(ConsumerPrincipal.Create(consumer, SchemeName), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blockedFor is { } retryAfter)
        {
            await AuthFailureThrottle.TooManyFailures(retryAfter).WriteAsync(Context).ConfigureAwait(false);
            return;
        }
        await AuditAsync("(unauthenticated)", "admin.unauthenticated", "no valid key").ConfigureAwait(false);
        await GatewayError.InvalidKey.WriteAsync(Context).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await AuditAsync(Context.User.Identity?.Name ?? "(unknown)", "authorization.denied", "role too low for this operation").ConfigureAwait(false);
        await AdminErrors.Forbidden("The principal does not have the role this operation needs.").WriteAsync(Context).ConfigureAwait(false);
    }

    private Task AuditAsync(string actor, string action, string detail) => audit.AppendAsync(
        new AuditRecord(time.GetUtcNow(), actor, action, $"{Request.Method} {Request.Path}", CallerAddress.Of(Context, configuration.Current)?.ToString(), "denied", detail),
        CancellationToken.None).AsTask();
}
