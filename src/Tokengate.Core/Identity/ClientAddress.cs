using System.Net;
using Microsoft.AspNetCore.Http;

namespace Tokengate.Identity;

/// <summary>
/// The address a request is attributed to (failure throttling, audit). The one place that decides it, so that
/// trusted-proxy handling (<c>X-Forwarded-For</c>) can replace the direct peer here without touching callers.
/// </summary>
internal static class ClientAddress
{
    public static IPAddress? Of(HttpContext context) => context.Connection.RemoteIpAddress;
}
