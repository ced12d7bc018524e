using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tokengate.Hosting;

/// <summary>
/// The parts of the consumer's request besides the body: method, path, headers, route values, query and content
/// type. Captured once at the HTTP edge (references, no copies), so the core can build a backend request
/// without the connection; a queued or batched request carries its own.
/// </summary>
internal readonly record struct RequestEnvelope(
    string Method, PathString Path, IHeaderDictionary Headers, RouteValueDictionary RouteValues, IQueryCollection Query, string? ContentType)
{
    // The query is parsed on first use, as HttpRequest.Query is: most requests never read it.
    public static RequestEnvelope From(HttpRequest request) =>
        new(request.Method, request.Path, request.Headers, request.RouteValues, request.Query, request.ContentType);
}
