using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Audit;
using Tokengate.Hosting;
using Tokengate.Network;
using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>
/// Step 2: the network rules, then the consumer from a gateway key (sent as <c>api-key</c> or as
/// <c>Authorization: Bearer</c>, the OpenAI client's way) or from an Entra ID / OIDC JWT sent as a bearer token, then
/// the consumer's own network rules. A refused address is answered before any credential is looked at, so a scan from
/// outside learns nothing about keys. Every credential failure gets the same 401, whatever the reason, counts toward
/// the address's failure limit and is audited aggregated (<see cref="FailureAudit"/>); an address with too many recent
/// failures gets 429 before its credential is looked at, and nothing is audited or logged for it.
/// </summary>
internal sealed class IdentifyMiddleware(RequestDelegate next, IConsumerKeyStore consumers, AuthFailureThrottle throttle, JwtConsumerAuthenticator jwt, FailureAudit failures)
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
            return RefuseAsync(context, feature, key.IsEmpty ? FailureAudit.NoCredential : FailureAudit.InvalidKey);
        if (!network.Admits(consumer.Name, client)) return NetworkRules.Denied.WriteAsync(context);

        feature.Consumer = consumer;
        return next(context);
    }

    private async Task IdentifyJwtAsync(HttpContext context, GatewayRequestFeature feature, string token)
    {
        var check = await jwt.AuthenticateAsync(token, context.RequestAborted).ConfigureAwait(false);
        if (check.Consumer is not { } consumer)
        {
            await RefuseAsync(context, feature, check.Refusal!).ConfigureAwait(false);
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

    private Task RefuseAsync(HttpContext context, GatewayRequestFeature feature, string reason)
    {
        throttle.RecordFailure(feature.ClientAddress);
        failures.Record(FailureAudit.AuthenticationFailed, FailureAudit.Unauthenticated, feature.ClientAddress, reason, context.Request);
        return GatewayError.InvalidKey.WriteAsync(context);
    }
}
