using Microsoft.AspNetCore.Http;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// Azure's credential rules: an <c>api-key</c> header, or <c>Authorization: Bearer</c> carrying either an Entra
/// token or (as the OpenAI client sends on v1) the key itself. Entra tokens are not validated: any JWT-shaped token
/// passes, because the simulator has no tenant to check against.
/// </summary>
internal static class CredentialCheck
{
    public static bool IsAuthorized(HttpRequest request, List<string> apiKeys)
    {
        string? key = request.Headers["api-key"];
        if (string.IsNullOrEmpty(key))
        {
            string? authorization = request.Headers.Authorization;
            if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            key = authorization["Bearer ".Length..].Trim();
            if (key.Length == 0)
            {
                return false;
            }

            if (LooksLikeJwt(key))
            {
                return true;
            }
        }

        return apiKeys.Count == 0 || apiKeys.Contains(key, StringComparer.Ordinal);
    }

    private static bool LooksLikeJwt(string token)
    {
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        return first > 0 && second > first + 1 && token.IndexOf('.', second + 1) < 0 && token.StartsWith("eyJ", StringComparison.Ordinal);
    }
}
