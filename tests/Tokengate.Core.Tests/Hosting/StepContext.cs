using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Configuration;
using Tokengate.OpenAI;
using Tokengate.Operations;

namespace Tokengate.Hosting;

/// <summary>
/// One request as a pipeline step sees it, without a server (the way YARP tests its middlewares): a
/// <see cref="DefaultHttpContext"/> for one route of an operation (method, path, query, route values, the endpoint with
/// its <see cref="GatewayRoute"/>, a request body stream, a <see cref="MemoryStream"/> response body), and the
/// <see cref="GatewayRequestFeature"/> on its features, to which a test adds what the earlier steps would have set.
/// </summary>
internal sealed class StepContext : IDisposable
{
    private readonly MemoryStream _responseBody = new();
    private byte[] _requestBody = [];

    private StepContext(DefaultHttpContext http, GatewayRequestFeature feature)
    {
        Http = http;
        Feature = feature;
        http.Response.Body = _responseBody;
    }

    public DefaultHttpContext Http { get; }

    public GatewayRequestFeature Feature { get; }

    public GatewaySnapshot Snapshot => Feature.Snapshot;

    public int Status => Http.Response.StatusCode;

    /// <summary>
    /// A request on <paramref name="operation"/>'s route of <paramref name="family"/>; <paramref name="routeValues"/>
    /// (<c>deployment</c>, <c>id</c>, <c>path</c>) fill the template and <c>RouteValues</c>; <paramref name="query"/> has its <c>?</c>.
    /// </summary>
    public static StepContext For(
        GatewaySnapshot snapshot, OperationDescriptor operation, RouteFamily family, TimeProvider time,
        string? query = null, params (string Name, string Value)[] routeValues)
    {
        var route = operation.Routes.First(r => r.Family == family);
        var http = new DefaultHttpContext();
        var path = route.Template;
        foreach (var (name, value) in routeValues)
        {
            path = path.Replace("{**" + name + "}", value, StringComparison.Ordinal).Replace("{" + name + "}", value, StringComparison.Ordinal);
            http.Request.RouteValues[name] = value;
        }
        http.Request.Method = route.Method;
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("gateway.example.com");
        http.Request.Path = path;
        if (query is not null) http.Request.QueryString = new QueryString(query);
        var gatewayRoute = new GatewayRoute(operation, family);
        http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(gatewayRoute), operation.Name));

        var feature = new GatewayRequestFeature(gatewayRoute, snapshot, time.GetTimestamp()) { Request = RequestEnvelope.From(http.Request) };
        http.Features.Set(feature);
        return new StepContext(http, feature);
    }

    /// <summary>The request body; <paramref name="declareLength"/> false sends it without <c>Content-Length</c> (chunked).</summary>
    public StepContext WithBody(string json, bool declareLength = true) => WithBody(Encoding.UTF8.GetBytes(json), declareLength);

    public StepContext WithBody(byte[] body, bool declareLength = true)
    {
        _requestBody = body;
        Http.Request.Body = new MemoryStream(body, writable: false);
        Http.Request.ContentType = "application/json";
        Http.Request.ContentLength = declareLength ? body.Length : null;
        return this;
    }

    /// <summary>Step 2's result: the consumer a key identifies.</summary>
    public StepContext WithConsumer(string key)
    {
        Feature.Consumer = StepGateway.Consumer(Snapshot, key);
        return this;
    }

    /// <summary>Step 3's result for a body already given: the body in pooled memory, its fields read, and the pool.</summary>
    public StepContext Parsed(string pool)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, _requestBody.Length));
        _requestBody.CopyTo(rented, 0);
        Feature.SetBody(rented, _requestBody.Length);
        Assert.True(RequestBodyParser.TryParse(Feature.Body.Span, out Feature.Parsed, out var error), error);
        Feature.Pool = Snapshot.PoolsByName[pool];
        return this;
    }

    /// <summary>The request body as the step left it (rewritten or not), as text.</summary>
    public string Body => Encoding.UTF8.GetString(Feature.Body.Span);

    public string ResponseText => Encoding.UTF8.GetString(_responseBody.ToArray());

    /// <summary>The response's Azure-shaped error, <c>{"error":{"code","message",...}}</c> and nothing else.</summary>
    public (string Code, string Message, string? Type, string? Param) Error()
    {
        Assert.Equal("application/json", Http.Response.ContentType);
        using var document = JsonDocument.Parse(_responseBody.ToArray());
        var root = document.RootElement;
        var error = Assert.Single(root.EnumerateObject());
        Assert.Equal("error", error.Name);
        var value = error.Value;
        return (
            value.GetProperty("code").GetString()!,
            value.GetProperty("message").GetString()!,
            value.TryGetProperty("type", out var type) ? type.GetString() : null,
            value.TryGetProperty("param", out var param) ? param.GetString() : null);
    }

    public string? Header(string name) => Http.Response.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    public void Dispose()
    {
        Feature.Dispose();
        _responseBody.Dispose();
    }
}
