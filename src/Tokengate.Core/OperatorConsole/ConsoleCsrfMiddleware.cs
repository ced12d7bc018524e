using Microsoft.AspNetCore.Http;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.OperatorConsole;

/// <summary>
/// After authorization, before the endpoint: a request authenticated by the console cookie whose method can change
/// something must pass <see cref="CsrfCheck"/>, else it is answered 403 <c>csrf_failed</c> and audited. Calls
/// authenticated by a header (key or token) are not affected: a cross-site page cannot send those.
/// </summary>
internal sealed class ConsoleCsrfMiddleware(RequestDelegate next, GatewayConfiguration configuration, FailureAudit failures)
{
    public Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)) return next(context);
        if (context.User.Identity is not { IsAuthenticated: true, AuthenticationType: ConsoleSignIn.SchemeName } identity) return next(context);

        var problem = CsrfCheck.Check(context.Request, context.User.FindFirst(ConsoleClaims.Csrf)?.Value);
        if (problem is null) return next(context);
        failures.Record(FailureAudit.AuthorizationDenied, identity.Name ?? "(unknown)", CallerAddress.Of(context, configuration.Current), problem, context.Request);
        return ConsoleErrors.CsrfFailed.WriteAsync(context);
    }
}
