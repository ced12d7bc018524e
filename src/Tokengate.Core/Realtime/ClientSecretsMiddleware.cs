using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Hosting;

namespace Tokengate.Realtime;

/// <summary><see cref="ClientSecretsStep"/> at the HTTP edge, on the operations that mint a credential; its refusal written as the response.</summary>
internal sealed class ClientSecretsMiddleware(RequestDelegate next, FailureAudit failures, IOptions<RealtimeOptions> options)
{
    private readonly ClientSecretsStep _step = new(failures);

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        return _step.Check(feature, options.Value.ClientSecrets) is { } refused ? refused.WriteAsync(context) : next(context);
    }
}
