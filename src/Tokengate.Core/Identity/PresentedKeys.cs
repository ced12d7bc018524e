using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tokengate.Hosting;

namespace Tokengate.Identity;

/// <summary>
/// Where callers put a gateway key: <c>api-key</c> (Azure clients) or <c>Authorization: Bearer</c> (OpenAI clients);
/// on a WebSocket operation also the <c>api-key</c> query parameter and the <c>openai-insecure-api-key.&lt;key&gt;</c>
/// subprotocol, the only places a browser can put one.
/// </summary>
internal static class PresentedKeys
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>The subprotocol prefix OpenAI's browser clients carry the key in.</summary>
    public const string KeySubprotocolPrefix = "openai-insecure-api-key.";

    public static ReadOnlySpan<char> From(IHeaderDictionary headers)
    {
        var apiKey = headers["api-key"];
        if (apiKey.Count == 1 && !string.IsNullOrEmpty(apiKey[0])) return apiKey[0].AsSpan().Trim();

        var authorization = headers[HeaderNames.Authorization];
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return value.AsSpan(BearerPrefix.Length).Trim();
        return default;
    }

    /// <summary>
    /// The key of a WebSocket request: a header first, else the <c>api-key</c> query parameter, else the key
    /// subprotocol. The gateway strips the last two before anything goes upstream.
    /// </summary>
    public static ReadOnlySpan<char> FromWebSocket(in RequestEnvelope request)
    {
        var key = From(request.Headers);
        if (!key.IsEmpty) return key;

        var query = request.Query["api-key"];
        if (query.Count == 1 && !string.IsNullOrEmpty(query[0])) return query[0].AsSpan().Trim();

        foreach (var header in request.Headers.SecWebSocketProtocol)
        {
            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var protocol = (comma < 0 ? rest : rest[..comma]).Trim();
                rest = comma < 0 ? default : rest[(comma + 1)..];
                if (protocol.StartsWith(KeySubprotocolPrefix, StringComparison.Ordinal) && protocol.Length > KeySubprotocolPrefix.Length)
                    return protocol[KeySubprotocolPrefix.Length..];
            }
        }
        return default;
    }
}
