using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Hosting;

namespace Tokengate.Logging;

/// <summary>
/// Queues a log entry for each request of a consumer whose policy permits it, after the response is complete
/// (steps 6–8 run inside). Under <see cref="RequestLogPolicy.Full"/> it asks the relay for the response body and
/// copies the request body before its pooled buffer goes back; redaction, encryption and I/O happen in the writer.
/// </summary>
internal sealed class RequestLogMiddleware(RequestDelegate next, RequestLogPolicies policies, RequestLogQueue queue, TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var policy = policies.PolicyFor(feature.Consumer!.Name, feature.Consumer.Group);
        // Off (the default) passes straight through, without an async frame of its own on every request.
        return policy == RequestLogPolicy.Off ? next(context) : LogAsync(context, feature, policy);
    }

    private async Task LogAsync(HttpContext context, GatewayRequestFeature feature, RequestLogPolicy policy)
    {
        ResponseCapture? capture = null;
        if (policy == RequestLogPolicy.Full) context.Features.Set(capture = new ResponseCapture());
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var usage = feature.Outcome.ReportedUsage ?? feature.Outcome.StreamTap?.Usage;
            var full = policy == RequestLogPolicy.Full;
            queue.Offer(new RequestLogEntry(
                time.GetUtcNow(), policy, feature.Consumer!.Name, feature.Consumer.Group, (feature.Outcome.Pool ?? feature.Pool)!.Name, feature.Outcome.Backend?.Name,
                feature.Route.Operation, context.Response.StatusCode, feature.Parsed.Stream, time.GetElapsedTime(feature.StartTimestamp).TotalMilliseconds,
                feature.Outcome.Attempts, usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? 0,
                full ? RequestBody(feature) : null,
                full ? capture!.Body : null,
                full ? feature.Outcome.StreamTap?.CompletionText : null,
                feature.Screening) { RequestId = feature.RequestId });
        }
    }

    /// <summary>The request as logged: the body as sent, or an upload's form fields without its files' bytes.</summary>
    private static byte[] RequestBody(GatewayRequestFeature feature) =>
        feature.Route.Operation.Body == Operations.BodyKind.Multipart && Media.MultipartForm.Boundary(feature.Request.ContentType) is { } boundary
            ? Media.MultipartForm.Describe(feature.Body.Span, boundary)
            : feature.Body.ToArray();

    public static RequestLogPolicy PolicyFor(RequestLogOptions options, string consumer, string? group) =>
        options.Consumers.TryGetValue(consumer, out var own) ? own
        : group is not null && options.Groups.TryGetValue(group, out var shared) ? shared
        : options.DefaultPolicy;
}
