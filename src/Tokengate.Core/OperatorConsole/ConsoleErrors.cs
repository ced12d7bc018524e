using Tokengate.OpenAI;

namespace Tokengate.OperatorConsole;

/// <summary>Errors of console sign-in and sessions, in the Azure shape.</summary>
internal static class ConsoleErrors
{
    /// <summary>A cookie-authenticated change without the session's CSRF token, or from another origin.</summary>
    public static GatewayError CsrfFailed { get; } = new(403, "csrf_failed",
        "The request must carry the session's x-tokengate-csrf header and come from the gateway's own origin.");

    /// <summary>No session, or one that has ended (expired, signed out, its key revoked or its consumer disabled).</summary>
    public static GatewayError SessionRequired { get; } = new(401, "401",
        "No valid console session. Sign in again with a key or through single sign-on.");

    public static GatewayError ReaderRequired { get; } = new(403, "PermissionDenied",
        "The console needs the reader role or higher.");

    public static GatewayError OidcNotConfigured { get; } = new(404, "404",
        "Single sign-on is not configured (Tokengate:Console:Oidc).");

    public static GatewayError SignInFailed(string message, int status = 400) => new(status, "signin_failed", message, "invalid_request_error");

    public static GatewayError ProviderUnavailable { get; } = new(502, "BadGateway",
        "The sign-in provider could not be reached or gave an answer the gateway could not use.");
}
