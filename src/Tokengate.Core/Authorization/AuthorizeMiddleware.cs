using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Authorization;

/// <summary>
/// Step 4: may this consumer call this logical deployment and operation? It needs the <c>consumer</c> role and a
/// scope that allows both (<see cref="AccessPolicy"/>, compiled into the snapshot). Denials answer 403 naming what
/// is missing and are audited off the request path.
/// </summary>
internal sealed class AuthorizeMiddleware(RequestDelegate next, AuthorizationDenials denials)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var consumer = feature.Consumer!;
        var pool = feature.Pool!;
        var operation = ScopeOperationNames.Of(feature.Route.Operation);

        if (!consumer.HasRole(Roles.Consumer))
        {
            return Deny(context, consumer.Name, "role:consumer", pool.Name,
                $"The principal '{consumer.Name}' does not have the role 'consumer' needed to call models.");
        }
        if (!feature.Snapshot.Access.Allows(consumer, pool, operation))
        {
            var name = ScopeOperationNames.NameOf(operation);
            return Deny(context, consumer.Name, $"scope:{pool.Name}:{name}", pool.Name,
                $"The consumer '{consumer.Name}' may not call deployment '{pool.Name}' (operation {name}).");
        }
        return next(context);
    }

    private Task Deny(HttpContext context, string consumer, string reason, string target, string message)
    {
        denials.Record(consumer, reason, target, context.Connection.RemoteIpAddress?.ToString(), message);
        return new GatewayError(403, "PermissionDenied", message).WriteAsync(context);
    }
}
