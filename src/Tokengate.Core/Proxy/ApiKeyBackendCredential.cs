using System.Net.Http.Headers;

namespace Tokengate.Proxy;

/// <summary>A backend key: <c>api-key</c> for Azure OpenAI, <c>Authorization: Bearer</c> for OpenAI-protocol backends.</summary>
internal sealed class ApiKeyBackendCredential(string reference, string key, bool asBearer) : BackendCredential
{
    private readonly AuthenticationHeaderValue? _bearer = asBearer ? new AuthenticationHeaderValue("Bearer", key) : null;

    public override ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_bearer is not null) request.Headers.Authorization = _bearer;
        else request.Headers.TryAddWithoutValidation("api-key", key);
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"api key from {reference}";
}
