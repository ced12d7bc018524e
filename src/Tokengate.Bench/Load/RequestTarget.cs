using System.Net.Http.Headers;

namespace Tokengate.Bench.Load;

/// <summary>
/// The one address the load goes to, built from the endpoint the user named and nothing else, with the credential
/// header the route family expects (protocol reference §1–2).
/// </summary>
internal sealed class RequestTarget
{
    private readonly string _headerName;
    private readonly string _headerValue;

    public RequestTarget(Uri endpoint, BenchApi api, string deployment, string apiVersion, BenchOperation operation, string apiKey)
    {
        var path = operation == BenchOperation.Chat ? "chat/completions" : "embeddings";
        var root = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        Uri = api == BenchApi.OpenAIV1
            ? new Uri($"{root}/openai/v1/{path}")
            : new Uri($"{root}/openai/deployments/{Uri.EscapeDataString(deployment)}/{path}?api-version={Uri.EscapeDataString(apiVersion)}");

        // Built from the endpoint alone, so this only guards against a future edit; redirects are off in the handler.
        if (!string.Equals(Uri.Authority, endpoint.Authority, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("The request address left the named endpoint.");
        }

        (_headerName, _headerValue) = api == BenchApi.OpenAIV1 ? ("Authorization", "Bearer " + apiKey) : ("api-key", apiKey);
    }

    public Uri Uri { get; }

    public HttpRequestMessage Create(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, Uri) { Content = content };
        request.Headers.TryAddWithoutValidation(_headerName, _headerValue);
        return request;
    }
}
