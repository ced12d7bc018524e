using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Admin;

/// <summary>
/// What every admin API credential scheme shares (admin API, <c>/metrics</c>, dashboard data): every unauthenticated
/// call — no credential, a wrong key, a bad token — counts toward the caller's failure limit as on the model routes;
/// past the limit the caller gets 429 before anything is audited or logged. Challenges and denials answer in the
/// Azure error shape and are audited aggregated, off the request path (<see cref="FailureAudit"/>). Derived schemes
/// only say how a presented credential becomes a <see cref="Consumer"/>.
/// </summary>
internal abstract class AdminAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    UrlEncoder encoder,
    GatewayConfiguration configuration,
    AuthFailureThrottle throttle,
    FailureAudit failures)
    // ASP.NET Core's handler would log a line for every challenge and failed authentication, which anyone can cause
    // at will; failures reach the log aggregated, through the audit writer, instead.
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, NullLoggerFactory.Instance, encoder)
{
    // Handlers are created per request, so this is the state of this request only.
    private IPAddress? _address;
    private TimeSpan? _blockedFor;
    private string? _refusal;

    /// <summary>Checks a presented credential: its consumer, or why it is refused.</summary>
    protected abstract ValueTask<CredentialCheck> CheckAsync(string credential, CancellationToken cancellationToken);

    protected sealed override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        _address = CallerAddress.Of(Context, configuration.Current);
        if (throttle.IsBlocked(_address, out var retryAfter))
        {
            _blockedFor = retryAfter;
            return AuthenticateResult.Fail("Too many failures.");
        }
        var credential = PresentedKeys.From(Request.Headers);
        // No credential is counted when it is challenged: only a call that needed one has failed.
        if (credential.IsEmpty) return AuthenticateResult.NoResult();
        var check = await CheckAsync(credential.ToString(), Context.RequestAborted).ConfigureAwait(false);
        if (check.Consumer is not { } consumer)
        {
            throttle.RecordFailure(_address);
            _refusal = check.Refusal ?? FailureAudit.InvalidKey;
            return AuthenticateResult.Fail("Invalid credential.");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(ConsumerPrincipal.Create(consumer, Scheme.Name), Scheme.Name));
    }

    protected sealed override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blockedFor is { } retryAfter) return AuthFailureThrottle.TooManyFailures(retryAfter).WriteAsync(Context);
        _address ??= CallerAddress.Of(Context, configuration.Current);
        if (_refusal is null) throttle.RecordFailure(_address);
        failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, _address, _refusal ?? FailureAudit.NoCredential, Request);
        return GatewayError.InvalidKey.WriteAsync(Context);
    }

    protected sealed override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        _address ??= CallerAddress.Of(Context, configuration.Current);
        failures.Record(FailureAudit.AuthorizationDenied, Context.User.Identity?.Name ?? "(unknown)", _address, "role too low for this operation", Request);
        return AdminErrors.Forbidden("The principal does not have the role this operation needs.").WriteAsync(Context);
    }
}
