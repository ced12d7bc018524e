using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tokengate.Hosting;

/// <summary>
/// The parts of the consumer's request that travel upstream besides the body: method, headers, route values, query
/// and content type. Captured once at the HTTP edge (references, no copies), so the core can build a backend request
/// without the connection; a queued or batched request carries its own.
/// </summary>
internal readonly record struct RequestEnvelope(string Method, IHeaderDictionary Headers, RouteValueDictionary RouteValues, QueryString Query, string? ContentType)
{
    public static RequestEnvelope From(HttpRequest request) =>
        new(request.Method, request.Headers, request.RouteValues, request.QueryString, request.ContentType);
}
