using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Cross-site request forgery defences for cookie sessions: a per-session token that a page of the gateway's own
/// origin reads from <c>GET /console/session</c> and sends back in <see cref="HeaderName"/> (a cross-site form or
/// image cannot set a header), and, when the browser says where the request came from, that it is the gateway's own
/// origin.
/// </summary>
internal static class CsrfCheck
{
    public const string HeaderName = "x-tokengate-csrf";

    public const string TokenMissing = "csrf token missing";
    public const string TokenWrong = "csrf token wrong";
    public const string CrossOrigin = "cross-origin request";

    /// <summary>A new token: 256 bits from the system's cryptographic generator, base64url.</summary>
    public static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Why the request fails the check (one of the reasons above), or null when it passes.</summary>
    public static string? Check(HttpRequest request, string? sessionToken)
    {
        var presented = request.Headers[HeaderName];
        if (presented.Count != 1 || string.IsNullOrEmpty(presented[0])) return TokenMissing;
        if (!TokensEqual(sessionToken, presented[0])) return TokenWrong;
        return OriginProblem(request);
    }

    /// <summary>
    /// <see cref="CrossOrigin"/> when <c>Origin</c> (or, without it, <c>Referer</c>) names another origin than the
    /// request's own; null when it names the same one or neither header is sent.
    /// </summary>
    public static string? OriginProblem(HttpRequest request)
    {
        var origin = request.Headers.Origin;
        if (origin.Count > 0) return origin.Count == 1 && IsSameOrigin(origin[0], request.Scheme, request.Host) ? null : CrossOrigin;
        var referer = request.Headers[HeaderNames.Referer];
        if (referer.Count > 0) return referer.Count == 1 && IsSameOrigin(referer[0], request.Scheme, request.Host) ? null : CrossOrigin;
        return null;
    }

    /// <summary>True when both are present and equal; the time taken does not depend on where they differ.</summary>
    public static bool TokensEqual(string? expected, string? presented)
    {
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(presented)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
    }

    /// <summary>
    /// True when <paramref name="url"/> (an <c>Origin</c> or <c>Referer</c> value) has the scheme, host and port the
    /// request arrived with; an opaque origin (<c>null</c>) or anything unparsable is another origin.
    /// </summary>
    public static bool IsSameOrigin(string? url, string scheme, HostString host)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        if (!host.HasValue || !string.Equals(uri.Scheme, scheme, StringComparison.OrdinalIgnoreCase)) return false;
        if (!string.Equals(uri.IdnHost.Trim('[', ']'), host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)) return false;
        var port = host.Port ?? DefaultPort(scheme);
        return port is not null && uri.Port == port;
    }

    private static int? DefaultPort(string scheme) =>
        string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : string.Equals(scheme, "http", StringComparison.OrdinalIgnoreCase) ? 80 : null;
}
