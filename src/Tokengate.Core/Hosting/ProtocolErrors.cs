using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Tokengate.OpenAI;

namespace Tokengate.Hosting;

/// <summary>
/// The Azure-shaped answers to requests that are broken at the HTTP level rather than in their content: a request
/// body Kestrel cannot read (malformed or oversized chunk framing, a body cut short, one arriving too slowly), and the
/// empty-bodied statuses ASP.NET Core sets by itself (no route, wrong method, an authentication challenge).
/// </summary>
internal static class ProtocolErrors
{
    /// <summary>
    /// Whether <paramref name="exception"/> is the client's fault in reading the request body, with the status and
    /// text to answer. Kestrel reports those as <see cref="BadHttpRequestException"/> carrying the status (400, 408,
    /// 413), except a chunk size too large for an <c>int</c>, which it reports as a bare <see cref="IOException"/>
    /// around an <see cref="OverflowException"/> (aspnet/KestrelHttpServer#1899, closed as won't fix).
    /// </summary>
    /// <param name="exception">What the request's code threw.</param>
    /// <param name="bodyLimit">The gateway's body limit to name in a 413, where the gateway set one.</param>
    /// <param name="error">The answer, when the exception is a body fault.</param>
    public static bool TryFromBodyFault(Exception exception, long? bodyLimit, out GatewayError error)
    {
        switch (exception)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } when bodyLimit is long limit:
                error = GatewayError.BodyTooLarge(limit);
                return true;
            case BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad:
                error = GatewayError.InvalidBody(bad.Message);
                return true;
            case BadHttpRequestException bad:
                error = new GatewayError(bad.StatusCode, bad.StatusCode.ToString(CultureInfo.InvariantCulture), bad.Message);
                return true;
            case IOException { InnerException: OverflowException } when exception.GetType() == typeof(IOException):
                error = GatewayError.InvalidBody(exception.Message);
                return true;
            default:
                error = GatewayError.Internal;
                return false;
        }
    }

    /// <summary>
    /// The body for an error status that left the application without one: Azure's own 404 for a path nothing
    /// serves, otherwise the status number as the code and its reason phrase as the message.
    /// </summary>
    public static GatewayError ForEmptyStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => GatewayError.ResourceNotFound,
        StatusCodes.Status500InternalServerError => GatewayError.Internal,
        _ => new GatewayError(status, status.ToString(CultureInfo.InvariantCulture),
            ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "The request could not be served."),
    };

    /// <summary>An error response that ASP.NET Core or an endpoint left without a body (and without a declared one).</summary>
    public static bool IsEmptyError(HttpResponse response) =>
        !response.HasStarted && response.StatusCode >= 400 && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType);

    /// <summary>Answers with <paramref name="error"/>, or, once the response has started, cuts the connection.</summary>
    public static Task WriteOrAbortAsync(HttpContext context, GatewayError error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }
        context.Response.Clear();
        return error.WriteAsync(context);
    }
}
