using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Audit;
using Tokengate.Hosting;
using Tokengate.Network;

namespace Tokengate.Identity;

/// <summary>
/// Step 2 at the HTTP edge: the client's address from the connection (or a trusted proxy's <c>X-Forwarded-For</c>),
/// then <see cref="IdentityStep"/>, its refusal written as the response.
/// </summary>
internal sealed class IdentifyMiddleware(RequestDelegate next, IConsumerKeyStore consumers, AuthFailureThrottle throttle, JwtConsumerAuthenticator jwt, FailureAudit failures)
{
    private readonly IdentityStep _step = new(consumers, throttle, jwt, failures);

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        if (!feature.Snapshot.Network.TryResolveClient(context, out var client)) return NetworkRules.MalformedForwardedFor.WriteAsync(context);
        feature.ClientAddress = client;
        var identified = _step.IdentifyAsync(feature, context.RequestAborted);
        if (!identified.IsCompletedSuccessfully) return AwaitAsync(context, identified);
        return identified.Result is { } refused ? refused.WriteAsync(context) : next(context);
    }

    private async Task AwaitAsync(HttpContext context, ValueTask<OpenAI.GatewayError?> identified)
    {
        if (await identified.ConfigureAwait(false) is { } refused)
        {
            await refused.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }
}
