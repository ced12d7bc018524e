using Tokengate.Audit;
using Tokengate.Hosting;
using Tokengate.Network;
using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>
/// Step 2: the network rules, then the consumer from a gateway key (sent as <c>api-key</c> or as
/// <c>Authorization: Bearer</c>, the OpenAI client's way; a WebSocket session also takes it from the query or a
/// subprotocol, see <see cref="PresentedKeys.FromWebSocket"/>) or from an Entra ID / OIDC JWT sent as a bearer token, then
/// the consumer's own network rules. A refused address is answered before any credential is looked at, so a scan from
/// outside learns nothing about keys. Every credential failure gets the same 401, whatever the reason, counts toward
/// the address's failure limit and is audited aggregated (<see cref="FailureAudit"/>); an address with too many recent
/// failures gets 429 before its credential is looked at, and nothing is audited or logged for it. The result is the
/// refusal, or null with <see cref="GatewayRequestFeature.Consumer"/> set.
/// </summary>
internal sealed class IdentityStep(IConsumerKeyStore consumers, AuthFailureThrottle throttle, JwtConsumerAuthenticator jwt, FailureAudit failures)
{
    /// <summary>Identifies the request's consumer; <see cref="GatewayRequestFeature.ClientAddress"/> is already resolved.</summary>
    public ValueTask<GatewayError?> IdentifyAsync(GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        var client = feature.ClientAddress;
        var network = feature.Snapshot.Network;
        if (!network.Admits(client)) return new(NetworkRules.Denied);
        if (throttle.IsBlocked(client, out var retryAfter)) return new(AuthFailureThrottle.TooManyFailures(retryAfter));

        var key = feature.Route.Operation.WebSocket ? PresentedKeys.FromWebSocket(feature.Request) : PresentedKeys.From(feature.Request.Headers);
        if (jwt.Enabled && JwtTokens.LooksLikeJwt(key)) return IdentifyJwtAsync(feature, key.ToString(), cancellationToken);
        if (key.IsEmpty || !consumers.TryFind(key, out var consumer))
            return new(Refuse(feature, key.IsEmpty ? FailureAudit.NoCredential : FailureAudit.InvalidKey));
        if (!network.Admits(consumer.Name, client)) return new(NetworkRules.Denied);

        feature.Consumer = consumer;
        return default;
    }

    private async ValueTask<GatewayError?> IdentifyJwtAsync(GatewayRequestFeature feature, string token, CancellationToken cancellationToken)
    {
        var check = await jwt.AuthenticateAsync(token, cancellationToken).ConfigureAwait(false);
        if (check.Consumer is not { } consumer) return Refuse(feature, check.Refusal!);
        if (!feature.Snapshot.Network.Admits(consumer.Name, feature.ClientAddress)) return NetworkRules.Denied;
        feature.Consumer = consumer;
        return null;
    }

    private GatewayError Refuse(GatewayRequestFeature feature, string reason)
    {
        var request = feature.Request;
        throttle.RecordFailure(feature.ClientAddress);
        var userAgent = request.Headers.UserAgent;
        failures.Record(FailureAudit.AuthenticationFailed, FailureAudit.Unauthenticated, feature.ClientAddress, reason,
            request.Method + " " + request.Path.Value, userAgent.Count > 0 ? userAgent[0] : null);
        return GatewayError.InvalidKey;
    }
}
