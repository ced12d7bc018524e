using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tokengate.OpenAI;

/// <summary>
/// An error the gateway itself answers with, in the Azure OpenAI shape <c>{"error":{"code","message",...}}</c>
/// that every SDK reads.
/// </summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Code">The <c>code</c> field: a status number as a string or a PascalCase / snake_case name.</param>
/// <param name="Message">Text for a person; never a backend host name or secret.</param>
/// <param name="Type">The OpenAI-style <c>type</c> field, when the error is of that family.</param>
/// <param name="Param">The OpenAI-style <c>param</c> field.</param>
/// <param name="RetryAfter">Adds <c>retry-after</c> and <c>retry-after-ms</c> headers.</param>
internal sealed record GatewayError(int Status, string Code, string Message, string? Type = null, string? Param = null, TimeSpan? RetryAfter = null)
{
    /// <summary>
    /// Set on a prompt refused by screening: the error is written as Azure's prompt filter writes it (<c>type</c> null,
    /// <c>status</c>, and <c>innererror</c> with <c>ResponsibleAIPolicyViolation</c> and the filter results).
    /// </summary>
    public Screening.AttackKind? ContentFilter { get; init; }

    public static GatewayError InvalidKey { get; } = new(401, "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");

    public static GatewayError ResourceNotFound { get; } = new(404, "404", "Resource not found");

    public static GatewayError DeploymentNotFound { get; } = new(404, "DeploymentNotFound",
        "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.");

    public static GatewayError MissingModel { get; } = new(400, "missing_model",
        "The request body must name the deployment in 'model'.", "invalid_request_error", "model");

    /// <summary>A realtime session's URL without the query parameter that names its deployment.</summary>
    public static GatewayError MissingQueryDeployment(string parameter) => new(400, "missing_model",
        $"The query must name the deployment in '{parameter}'.", "invalid_request_error", parameter);

    public static GatewayError InvalidBody(string message, string? param = null) => new(400, "invalid_request_error", message, "invalid_request_error", param);


    /// <summary>An operation none of a deployment's backends has (an Azure-only route on OpenAI-protocol backends).</summary>
    public static GatewayError OperationNotServed(string operation, string deployment) => new(400, "OperationNotSupported",
        $"The operation '{operation}' is not available on the backends of deployment '{deployment}': their protocol has no such route.");

    /// <summary>A path under the model prefixes that no operation of the gateway serves.</summary>
    public static GatewayError NotServed(string method, string path) => new(404, "404",
        $"Resource not found. The gateway does not serve '{method} {path}'; see the list of operations it serves.");

    public static GatewayError BodyTooLarge(long limit) => new(413, "RequestEntityTooLarge",
        string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the gateway's limit of {limit} bytes."));

    public static GatewayError AllBackendsThrottled(string deployment, TimeSpan retryAfter) => new(429, "429",
        string.Create(CultureInfo.InvariantCulture,
            $"Requests to deployment '{deployment}' have exceeded the rate limit of every backend behind it. Please retry after {RetrySeconds(retryAfter)} seconds."),
        RetryAfter: retryAfter);

    public static GatewayError BackendsUnavailable(string deployment, TimeSpan retryAfter) => new(503, "ServiceUnavailable",
        string.Create(CultureInfo.InvariantCulture,
            $"No backend for deployment '{deployment}' is available right now. Please retry after {RetrySeconds(retryAfter)} seconds."),
        RetryAfter: retryAfter);

    public static GatewayError BadGateway(string deployment) => new(502, "BadGateway",
        $"The backends for deployment '{deployment}' did not return a usable response.");

    public static GatewayError Timeout(string deployment) => new(504, "Timeout",
        $"The backends for deployment '{deployment}' did not answer within the gateway's deadline.");

    public static GatewayError Internal { get; } = new(500, "InternalServerError",
        "The server had an error while processing your request. Sorry about that!", "server_error");

    /// <summary>Seconds for <c>retry-after</c>: rounded up, at least 1, so a client never retries early.</summary>
    public static long RetrySeconds(TimeSpan retryAfter) => Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));

    public Task WriteAsync(HttpContext context) => WriteAsync(new Proxy.HttpResponseSink(context));

    /// <summary>Writes the error as the whole answer: status, <c>retry-after</c> headers, the JSON body.</summary>
    public Task WriteAsync(Proxy.IResponseSink response)
    {
        response.StatusCode = Status;
        response.Headers.ContentType = "application/json";
        if (RetryAfter is { } retryAfter)
        {
            var ms = Math.Max(0, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
            response.Headers["retry-after"] = RetrySeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
            response.Headers["retry-after-ms"] = ms.ToString(CultureInfo.InvariantCulture);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("code", Code);
            json.WriteString("message", Message);
            if (Type is not null) json.WriteString("type", Type);
            else if (ContentFilter is not null) json.WriteNull("type");
            if (Param is not null) json.WriteString("param", Param);
            if (ContentFilter is { } attack) Screening.ContentFilterError.WriteDetails(json, Status, attack);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        response.Headers.ContentLength = buffer.WrittenCount;
        return response.WriteAsync(buffer.WrittenMemory, CancellationToken.None).AsTask();
    }
}
