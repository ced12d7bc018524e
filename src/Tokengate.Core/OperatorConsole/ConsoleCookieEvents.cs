using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.OperatorConsole;

/// <summary>
/// The console cookie's events: every request re-checks the session against the in-memory key directory
/// (<see cref="ConsolePrincipal.Revalidate"/>), and the cookie handler's redirects become Azure-shaped 401 / 403
/// answers, audited like the other admin schemes' challenges and denials.
/// </summary>
internal sealed class ConsoleCookieEvents(
    ConsumerDirectory directory, ConsoleSignOuts signOuts, IOptions<ConsoleOptions> options, TimeProvider time, GatewayConfiguration configuration, FailureAudit failures)
    : CookieAuthenticationEvents
{
    public const string SessionEnded = "console session ended";

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var principal = ConsolePrincipal.Revalidate(context.Principal, directory, signOuts, time.GetUtcNow(), options.Value.AbsoluteLifetime);
        if (principal is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleSignIn.SchemeName).ConfigureAwait(false);
            return;
        }
        context.ReplacePrincipal(principal);
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        var http = context.HttpContext;
        // Only a request that brought a cookie is a failure worth recording; one without any goes to the key scheme.
        if (http.Request.Cookies.ContainsKey(options.Value.CookieName))
            failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, CallerAddress.Of(http, configuration.Current), SessionEnded, http.Request);
        return ConsoleErrors.SessionRequired.WriteAsync(http);
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        var http = context.HttpContext;
        failures.Record(FailureAudit.AuthorizationDenied, http.User.Identity?.Name ?? "(unknown)", CallerAddress.Of(http, configuration.Current),
            "role too low for this operation", http.Request);
        return AdminErrors.Forbidden("The principal does not have the role this operation needs.").WriteAsync(http);
    }

    // Signing out answers the API call; there is no page to send the browser back to.
    public override Task RedirectToReturnUrl(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    public override Task RedirectToLogout(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;
}
