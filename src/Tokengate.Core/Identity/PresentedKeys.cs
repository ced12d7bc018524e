using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tokengate.Identity;

/// <summary>Where callers put a gateway key: <c>api-key</c> (Azure clients) or <c>Authorization: Bearer</c> (OpenAI clients).</summary>
internal static class PresentedKeys
{
    private const string BearerPrefix = "Bearer ";

    public static ReadOnlySpan<char> From(IHeaderDictionary headers)
    {
        var apiKey = headers["api-key"];
        if (apiKey.Count == 1 && !string.IsNullOrEmpty(apiKey[0])) return apiKey[0].AsSpan().Trim();

        var authorization = headers[HeaderNames.Authorization];
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return value.AsSpan(BearerPrefix.Length).Trim();
        return default;
    }
}
