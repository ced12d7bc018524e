using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Audit;
using Tokengate.Hosting;

namespace Tokengate.Authorization;

/// <summary>
/// Step 4 at the HTTP edge: <see cref="AuthorizationStep"/>, its refusal written as the response; for calls the gateway
/// answers without a deployment, its unpooled check.
/// </summary>
internal sealed class AuthorizeMiddleware(RequestDelegate next, FailureAudit failures)
{
    private readonly AuthorizationStep _step = new(failures);

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var refused = feature.Pool is null ? _step.AuthorizeUnpooled(feature) : _step.Authorize(feature);
        return refused is not null ? refused.WriteAsync(context) : next(context);
    }
}
