using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Hosting;
using Tokengate.Network;
using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>
/// Step 2: the network rules, then the consumer from a gateway key (sent as <c>api-key</c> or as
/// <c>Authorization: Bearer</c>, the OpenAI client's way) or from an Entra ID / OIDC JWT sent as a bearer token, then
/// the consumer's own network rules. A refused address is answered before any credential is looked at, so a scan from
/// outside learns nothing about keys. Every credential failure gets the same 401, whatever the reason; an address
/// with too many recent failures gets 429 before its credential is looked at.
/// </summary>
internal sealed class IdentifyMiddleware(RequestDelegate next, IConsumerKeyStore consumers, AuthFailureThrottle throttle, JwtConsumerAuthenticator jwt)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var network = feature.Snapshot.Network;
        if (!network.TryResolveClient(context, out var client)) return NetworkRules.MalformedForwardedFor.WriteAsync(context);
        feature.ClientAddress = client;
        if (!network.Admits(client)) return NetworkRules.Denied.WriteAsync(context);
        if (throttle.IsBlocked(client, out var retryAfter)) return AuthFailureThrottle.TooManyFailures(retryAfter).WriteAsync(context);

        var key = PresentedKeys.From(context.Request.Headers);
        if (jwt.Enabled && JwtTokens.LooksLikeJwt(key)) return IdentifyJwtAsync(context, feature, key.ToString());
        if (key.IsEmpty || !consumers.TryFind(key, out var consumer))
        {
            throttle.RecordFailure(client);
            return GatewayError.InvalidKey.WriteAsync(context);
        }
        if (!network.Admits(consumer.Name, client)) return NetworkRules.Denied.WriteAsync(context);

        feature.Consumer = consumer;
        return next(context);
    }

    private async Task IdentifyJwtAsync(HttpContext context, GatewayRequestFeature feature, string token)
    {
        var consumer = await jwt.AuthenticateAsync(token, context.RequestAborted).ConfigureAwait(false);
        if (consumer is null)
        {
            throttle.RecordFailure(feature.ClientAddress);
            await GatewayError.InvalidKey.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        if (!feature.Snapshot.Network.Admits(consumer.Name, feature.ClientAddress))
        {
            await NetworkRules.Denied.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        feature.Consumer = consumer;
        await next(context).ConfigureAwait(false);
    }
}
