using System.Collections.Frozen;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Routing;

namespace Tokengate.Proxy;

/// <summary>
/// Builds the request to one backend: its URL shape, its deployment name, the gateway's credential instead of the
/// consumer's, the consumer's other headers, and the body bytes as received (rewritten only where the backend
/// protocol needs the model in the body).
/// </summary>
internal static class UpstreamRequestFactory
{
    // Hop-by-hop headers, the consumer's own credential and framing (which the gateway replaces), and
    // Accept-Encoding: the gateway reads event streams as they pass, so it asks for them uncompressed.
    private static readonly FrozenSet<string> NotForwarded = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Expect", "Content-Length", "Content-Type", "api-key", "Authorization",
        "Accept-Encoding");

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    public static HttpRequestMessage Create(HttpContext context, GatewayRequestFeature feature, Backend backend)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, backend.TargetUri(feature.Route, feature.ApiVersion ?? backend.ApiVersion))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        foreach (var header in context.Request.Headers)
        {
            if (NotForwarded.Contains(header.Key)) continue;
            if (header.Value.Count == 1) message.Headers.TryAddWithoutValidation(header.Key, header.Value[0]);
            else message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
        }

        var content = backend.Protocol == BackendProtocol.OpenAI
            ? new ReadOnlyMemoryContent(BodyRewriter.WithModel(feature.Body, feature.Parsed, backend.DeploymentUtf8JsonString))
            : new ReadOnlyMemoryContent(feature.Body);
        content.Headers.ContentType = JsonContentType;
        message.Content = content;
        return message;
    }
}
