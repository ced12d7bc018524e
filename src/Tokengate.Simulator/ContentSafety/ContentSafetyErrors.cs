using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.ContentSafety;

/// <summary>
/// Errors in the Content Safety shape <c>{"error":{"code","message"}}</c> with the codes its documentation lists
/// (InvalidRequestBody, InternalError, ServerBusy, TooManyRequests); the 401 and 404 answers are the Cognitive
/// Services front door's.
/// </summary>
internal static class ContentSafetyErrors
{
    public const string InvalidRequestBody = "InvalidRequestBody";

    public static Task InvalidBodyAsync(HttpContext context, string message) =>
        AzureErrors.WriteAsync(context, StatusCodes.Status400BadRequest, InvalidRequestBody, message);

    public static Task UnauthorizedAsync(HttpContext context) =>
        AzureErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "401", AzureErrors.Unauthorized);

    public static Task UnsupportedApiVersionAsync(HttpContext context) =>
        AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "404", AzureErrors.ResourceNotFound);

    public static Task TooManyRequestsAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = ResponseHeaders.WriteRetryAfter(context.Response, retryAfter);
        return AzureErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "TooManyRequests",
            string.Create(CultureInfo.InvariantCulture, $"Rate limit is exceeded. Try again in {seconds} seconds."));
    }

    /// <summary>The body of an injected failure, by status.</summary>
    public static Task ForStatusAsync(HttpContext context, int status, int? retryAfterMs)
    {
        switch (status)
        {
            case StatusCodes.Status429TooManyRequests:
                return TooManyRequestsAsync(context, TimeSpan.FromMilliseconds(retryAfterMs ?? 1_000));
            case StatusCodes.Status503ServiceUnavailable:
                if (retryAfterMs is int ms) ResponseHeaders.WriteRetryAfter(context.Response, TimeSpan.FromMilliseconds(ms));
                return AzureErrors.WriteAsync(context, status, "ServerBusy", "The server is busy. Please try again later.");
            case StatusCodes.Status400BadRequest:
                return InvalidBodyAsync(context, "The request body is invalid.");
            case StatusCodes.Status401Unauthorized:
                return UnauthorizedAsync(context);
            case >= 500:
                return AzureErrors.WriteAsync(context, status, "InternalError", "An unexpected error occurred. Please retry later.");
            default:
                return AzureErrors.WriteForStatusAsync(context, status);
        }
    }
}
