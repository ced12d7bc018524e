using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// Realtime credentials, checked before the upgrade: the <c>api-key</c> header or <c>Authorization: Bearer</c> as
/// every Azure call takes them, else the <c>api-key</c> query parameter (what a browser can send), else the
/// <c>openai-insecure-api-key.&lt;key&gt;</c> subprotocol OpenAI's browser clients offer. The first one present decides.
/// </summary>
internal static class RealtimeCredentials
{
    /// <summary>The subprotocol OpenAI clients offer first, and the one the service selects.</summary>
    public const string Subprotocol = "realtime";

    private const string KeyProtocolPrefix = "openai-insecure-api-key.";

    public static bool IsAuthorized(HttpRequest request, List<string> apiKeys)
    {
        if (request.Headers.ContainsKey("api-key") || request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            return CredentialCheck.IsAuthorized(request, apiKeys);
        }

        string? key = request.Query["api-key"];
        if (string.IsNullOrEmpty(key))
        {
            key = KeyFromSubprotocols(request);
        }

        return !string.IsNullOrEmpty(key) && (apiKeys.Count == 0 || apiKeys.Contains(key, StringComparer.Ordinal));
    }

    /// <summary><c>realtime</c> when the client offers it; otherwise none (a client that offers only others gets none back).</summary>
    public static string? SelectSubprotocol(HttpRequest request)
    {
        foreach (var protocol in Offered(request))
        {
            if (protocol == Subprotocol)
            {
                return Subprotocol;
            }
        }

        return null;
    }

    private static string? KeyFromSubprotocols(HttpRequest request)
    {
        foreach (var protocol in Offered(request))
        {
            if (protocol.StartsWith(KeyProtocolPrefix, StringComparison.Ordinal))
            {
                return protocol[KeyProtocolPrefix.Length..];
            }
        }

        return null;
    }

    private static IEnumerable<string> Offered(HttpRequest request)
    {
        foreach (var header in request.Headers.SecWebSocketProtocol)
        {
            foreach (var protocol in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return protocol;
            }
        }
    }
}
