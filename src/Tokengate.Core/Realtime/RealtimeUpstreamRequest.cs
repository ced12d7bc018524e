using System.Collections.Frozen;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Operations;
using Tokengate.Routing;

namespace Tokengate.Realtime;

/// <summary>
/// The handshake to one backend for a consumer's session: the URL in the protocol the consumer spoke (Azure's preview
/// route with the consumer's <c>api-version</c> and the backend's <c>deployment</c>; the v1 route with
/// <c>model</c>; an OpenAI-protocol base URL's <c>realtime?model=</c>), the consumer's other query parameters and
/// headers, and only the subprotocols that carry no credential. The consumer's key never goes upstream: the
/// <c>api-key</c> query parameter, the key subprotocol and the credential headers are dropped, and the backend's
/// credential is added by <see cref="Proxy.BackendCredential"/>.
/// </summary>
internal static class RealtimeUpstreamRequest
{
    /// <summary>Azure's preview route, which takes <c>api-version</c> and <c>deployment</c>.</summary>
    private const string AzurePreviewPath = "openai/realtime";

    // The parameters the gateway sets itself, and the consumer's key.
    private static readonly FrozenSet<string> QueryNotForwarded = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "api-version", "deployment", "model", "api-key");

    // Hop-by-hop and handshake headers (the socket writes its own), credentials, and what names the consumer's origin.
    private static readonly FrozenSet<string> HeadersNotForwarded = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Expect", "Content-Length", "Content-Type", "Accept-Encoding",
        "api-key", "Authorization", "Cookie", "Origin",
        "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Sec-WebSocket-Accept");

    /// <summary>The backend URL of the session, <c>ws</c> or <c>wss</c> as the backend's endpoint is <c>http</c> or <c>https</c>.</summary>
    public static Uri Target(Backend backend, RouteFamily family, string? apiVersion, IQueryCollection query)
    {
        var upstream = OperationRegistry.Realtime.Upstream!;
        var text = new StringBuilder(128);
        if (backend.Protocol == BackendProtocol.OpenAI)
            text.Append(upstream.OpenAIPath).Append("?model=").Append(Uri.EscapeDataString(backend.Deployment));
        else if (family == RouteFamily.AzureClassic)
            text.Append(AzurePreviewPath).Append("?api-version=").Append(Uri.EscapeDataString(apiVersion ?? backend.ApiVersion))
                .Append("&deployment=").Append(Uri.EscapeDataString(backend.Deployment));
        else
            text.Append(upstream.AzurePath).Append("?model=").Append(Uri.EscapeDataString(backend.Deployment));

        foreach (var (name, values) in query)
        {
            if (QueryNotForwarded.Contains(name)) continue;
            foreach (var value in values)
                text.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
        }

        var builder = new UriBuilder(new Uri(backend.BaseUri, text.ToString()));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return builder.Uri;
    }

    /// <summary>The consumer's headers and credential-free subprotocols, onto the upstream socket's handshake.</summary>
    public static void CopyHeaders(in RequestEnvelope request, ClientWebSocketOptions options)
    {
        foreach (var (name, values) in request.Headers)
        {
            if (HeadersNotForwarded.Contains(name)) continue;
            options.SetRequestHeader(name, values.Count == 1 ? values[0] : values.ToString());
        }
        foreach (var protocol in Subprotocols(request.Headers))
        {
            if (IsForwarded(protocol)) options.AddSubProtocol(protocol);
        }
    }

    /// <summary>
    /// The subprotocols the service defines that carry nothing secret: <c>realtime</c> and <c>openai-beta.*</c>. The key
    /// subprotocol (and OpenAI's organization and project ones, which name the consumer's own account) stay here.
    /// </summary>
    public static bool IsForwarded(string protocol) =>
        protocol == "realtime" || protocol.StartsWith("openai-beta.", StringComparison.Ordinal);

    private static IEnumerable<string> Subprotocols(IHeaderDictionary headers)
    {
        foreach (var header in headers[HeaderNames.SecWebSocketProtocol])
        {
            foreach (var protocol in (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!protocol.StartsWith(PresentedKeys.KeySubprotocolPrefix, StringComparison.Ordinal)) yield return protocol;
            }
        }
    }
}
