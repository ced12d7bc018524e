using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>Errors of the consumer and key admin operations, in the Azure shape.</summary>
internal static class AdminErrors
{
    public static GatewayError BadRequest(string message) => new(400, "BadRequest", message, "invalid_request_error");

    public static GatewayError NotFound(string message) => new(404, "NotFound", message);

    public static GatewayError Conflict(string message) => new(409, "Conflict", message);

    public static GatewayError Forbidden(string message) => new(403, "PermissionDenied", message);

    public static GatewayError UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message, "invalid_request_error");
}
