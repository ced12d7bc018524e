using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Hosting;
using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>
/// Step 2: the consumer from a gateway key, sent as <c>api-key</c> or as <c>Authorization: Bearer</c> (the OpenAI
/// client's way). Every failure gets the same 401, whatever the reason; an address with too many recent failures
/// gets 429 before its key is even looked at.
/// </summary>
internal sealed class IdentifyMiddleware(RequestDelegate next, IConsumerKeyStore consumers, AuthFailureThrottle throttle)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var address = feature.ClientAddress = ClientAddress.Of(context);
        if (throttle.IsBlocked(address, out var retryAfter))
            return AuthFailureThrottle.TooManyFailures(retryAfter).WriteAsync(context);

        var key = PresentedKeys.From(context.Request.Headers);
        if (key.IsEmpty || !consumers.TryFind(key, out var consumer))
        {
            throttle.RecordFailure(address);
            return GatewayError.InvalidKey.WriteAsync(context);
        }

        feature.Consumer = consumer;
        return next(context);
    }
}
