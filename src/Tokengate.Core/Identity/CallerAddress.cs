using System.Net;
using Microsoft.AspNetCore.Http;
using Tokengate.Configuration;

namespace Tokengate.Identity;

/// <summary>
/// The client address of a request outside the model pipeline (the admin API), resolved by the same network rules
/// as the Identify step (<c>X-Forwarded-For</c> only from trusted proxies); null when it cannot be told.
/// </summary>
internal static class CallerAddress
{
    public static IPAddress? Of(HttpContext context, GatewaySnapshot snapshot) =>
        snapshot.Network.TryResolveClient(context, out var client) ? client : null;
}
