using System.Net.Http.Headers;
using System.Text;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>Requests as the SDKs send them, for tests that need to see raw statuses and headers.</summary>
internal static class GatewayRequests
{
    public const string ApiVersion = "2024-10-21";

    public static HttpRequestMessage Chat(string deployment, string? key, bool stream = false, string? body = null) =>
        Post($"openai/deployments/{deployment}/chat/completions?api-version={ApiVersion}", key,
            body ?? $$"""{"messages":[{"role":"user","content":"Hello there"}],"max_tokens":8,"stream":{{(stream ? "true" : "false")}}}""");

    public static HttpRequestMessage Post(string path, string? key, string body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (key is not null) request.Headers.Add("api-key", key);
        return request;
    }
}
