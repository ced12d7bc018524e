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
/// What every admin API credential scheme shares (admin API, <c>/metrics</c>, dashboard data): failures count toward the
/// caller's failure limit as on the model routes, and challenges and denials answer in the Azure error shape and
/// are audited. Derived schemes only say how a presented credential becomes a <see cref="Consumer"/>.
/// </summary>
internal abstract class AdminAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    GatewayConfiguration configuration,
    AuthFailureThrottle throttle,
    IAuditLog audit,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // Handlers are created per request, so this is the state of this request only.
    private TimeSpan? _blockedFor;

    /// <summary>The consumer the credential belongs to, or null when it is not valid.</summary>
    protected abstract ValueTask<Consumer?> FindConsumerAsync(string credential, CancellationToken cancellationToken);

    protected sealed override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var address = CallerAddress.Of(Context, configuration.Current);
        if (throttle.IsBlocked(address, out var retryAfter))
        {
            _blockedFor = retryAfter;
            return AuthenticateResult.Fail("Too many failures.");
        }
        var credential = PresentedKeys.From(Request.Headers);
        if (credential.IsEmpty) return AuthenticateResult.NoResult();
        if (await FindConsumerAsync(credential.ToString(), Context.RequestAborted).ConfigureAwait(false) is not { } consumer)
        {
            throttle.RecordFailure(address);
            return AuthenticateResult.Fail("Invalid credential.");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(ConsumerPrincipal.Create(consumer, Scheme.Name), Scheme.Name));
    }

    protected sealed override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blockedFor is { } retryAfter)
        {
            await AuthFailureThrottle.TooManyFailures(retryAfter).WriteAsync(Context).ConfigureAwait(false);
            return;
        }
        await AuditAsync("(unauthenticated)", "admin.unauthenticated", "no valid credential").ConfigureAwait(false);
        await GatewayError.InvalidKey.WriteAsync(Context).ConfigureAwait(false);
    }

    protected sealed override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await AuditAsync(Context.User.Identity?.Name ?? "(unknown)", "authorization.denied", "role too low for this operation").ConfigureAwait(false);
        await AdminErrors.Forbidden("The principal does not have the role this operation needs.").WriteAsync(Context).ConfigureAwait(false);
    }

    private Task AuditAsync(string actor, string action, string detail) => audit.AppendAsync(
        new AuditRecord(time.GetUtcNow(), actor, action, $"{Request.Method} {Request.Path}", CallerAddress.Of(Context, configuration.Current)?.ToString(), "denied", detail),
        CancellationToken.None).AsTask();
}
