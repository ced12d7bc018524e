using Tokengate.Hosting;
using Tokengate.Identity;

namespace Tokengate.Realtime;

/// <summary>
/// Whether the credential a session was opened with still stands for its consumer: the same lookup step 2 made
/// (a revoked, expired or deleted key, a removed consumer, stored keys gone stale), or for a JWT the same validation
/// (past its <c>exp</c> by the gateway's clock it no longer is). Repeated on a timer while the session is open.
/// </summary>
internal sealed class RealtimeCredentialCheck(IConsumerKeyStore keys, JwtConsumerAuthenticator jwt)
{
    public ValueTask<bool> StillValidAsync(GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        var consumer = feature.Consumer!;
        var key = PresentedKeys.FromWebSocket(feature.Request);
        if (jwt.Enabled && JwtTokens.LooksLikeJwt(key)) return CheckTokenAsync(key.ToString(), consumer.Name, cancellationToken);
        return new(!key.IsEmpty && keys.TryFind(key, out var found) && string.Equals(found.Name, consumer.Name, StringComparison.Ordinal));
    }

    private async ValueTask<bool> CheckTokenAsync(string token, string consumer, CancellationToken cancellationToken)
    {
        var check = await jwt.AuthenticateAsync(token, cancellationToken).ConfigureAwait(false);
        return check.Consumer is { } found && string.Equals(found.Name, consumer, StringComparison.Ordinal);
    }
}
