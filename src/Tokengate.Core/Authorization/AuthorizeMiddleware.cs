using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Audit;
using Tokengate.Hosting;

namespace Tokengate.Authorization;

/// <summary>Step 4 at the HTTP edge: <see cref="AuthorizationStep"/>, its refusal written as the response.</summary>
internal sealed class AuthorizeMiddleware(RequestDelegate next, FailureAudit failures)
{
    private readonly AuthorizationStep _step = new(failures);

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        return _step.Authorize(feature) is { } refused ? refused.WriteAsync(context) : next(context);
    }
}
