using System.Collections.Frozen;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.Media;
using Microsoft.AspNetCore.Http.Extensions;
using Tokengate.Operations;
using Tokengate.OpenAI;
using Tokengate.Priority;
using Tokengate.Routing;

namespace Tokengate.Proxy;

/// <summary>
/// Builds the request to one backend: the operation's URL on it (<see cref="Backend.TargetUri"/>), its deployment
/// name, the gateway's credential instead of the consumer's, the consumer's other headers, and the body bytes as
/// received (rewritten only where the backend takes the deployment as the body's <c>model</c>, or where its
/// <c>service_tier</c> must change for this backend).
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

    public static HttpRequestMessage Create(GatewayRequestFeature feature, Backend backend)
    {
        var consumer = feature.Request;
        var operation = feature.Route.Operation;
        var upstream = operation.Upstream!;
        var uri = upstream.RouteValue is { } name
            ? backend.TargetUri(operation, feature.ApiVersion ?? backend.ApiVersion, consumer.RouteValues[name] as string, ForwardedQuery(consumer.Query))
            : backend.TargetUri(operation, feature.ApiVersion ?? backend.ApiVersion);
        var message = new HttpRequestMessage(HttpMethod.Parse(consumer.Method), uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        foreach (var header in consumer.Headers)
        {
            if (NotForwarded.Contains(header.Key)) continue;
            if (header.Value.Count == 1) message.Headers.TryAddWithoutValidation(header.Key, header.Value[0]);
            else message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
        }

        if (operation.Body == BodyKind.None) return message;
        if (operation.Body == BodyKind.Multipart)
        {
            // The form as it came, its model field naming this backend's deployment where the backend reads it there.
            var boundary = MultipartForm.Boundary(consumer.ContentType)!;
            var form = backend.TakesModelInBody(operation)
                ? new ReadOnlyMemoryContent(MultipartForm.WithModel(feature.Body.Span, feature.Parsed, boundary, backend.Deployment))
                : new ReadOnlyMemoryContent(feature.Body);
            form.Headers.ContentType = MediaTypeHeaderValue.Parse(consumer.ContentType!);
            message.Content = form;
            return message;
        }
        if (operation.Body == BodyKind.Raw)
        {
            // Bytes of the consumer's own content type (multipart, audio): forwarded as they came.
            var raw = new ReadOnlyMemoryContent(feature.Body);
            if (consumer.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var parsed)) raw.Headers.ContentType = parsed;
            message.Content = raw;
            return message;
        }
        var body = feature.Body;
        var fields = feature.Parsed;
        if (operation.TakesServiceTier) body = WithServiceTier(feature, backend, body, ref fields);
        var content = backend.TakesModelInBody(operation)
            ? new ReadOnlyMemoryContent(BodyRewriter.WithModel(body, fields, backend.DeploymentUtf8JsonString))
            : new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonContentType;
        message.Content = content;
        return message;
    }

    /// <summary>
    /// The body with the <c>service_tier</c> this backend gets for the request (<see cref="ServiceTierPolicy"/>), noted
    /// on the outcome; the body itself when it already carries the right one (the common case: nothing mapped, nothing asked).
    /// </summary>
    private static ReadOnlyMemory<byte> WithServiceTier(GatewayRequestFeature feature, Backend backend, ReadOnlyMemory<byte> body, ref ParsedRequest parsed)
    {
        var asked = parsed.ServiceTier;
        var allowed = asked is not null && ServiceTierPolicy.Allows(feature.Snapshot.Options, feature.Consumer!, asked);
        var (edit, sent) = ServiceTierPolicy.ForBackend(body.Span, parsed, allowed, backend.ServiceTierFor(feature.Priority));
        feature.Outcome.SentServiceTier = sent;
        return edit is { } e ? BodyRewriter.Applied(body.Span, e, ref parsed) : body;
    }

    /// <summary>The consumer's query (<c>stream</c>, <c>starting_after</c>, <c>limit</c>, ...) without the <c>api-version</c> of the route it used.</summary>
    private static string? ForwardedQuery(IQueryCollection query)
    {
        if (query.Count == 0) return null;
        var kept = query.Where(p => !p.Key.Equals("api-version", StringComparison.OrdinalIgnoreCase));
        var builder = new QueryBuilder(kept.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))));
        return builder.ToQueryString().Value;
    }
}
