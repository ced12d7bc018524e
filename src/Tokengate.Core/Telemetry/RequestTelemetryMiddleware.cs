using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Tokengate.Hosting;

namespace Tokengate.Telemetry;

/// <summary>
/// The request's span (the backend attempts are its children). Only created when a tracer listens; tags are
/// added at the end, from what the pipeline learnt, so nothing here is on the path of a request nobody traces.
/// </summary>
internal sealed class RequestTelemetryMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        GatewayTracing.Source.HasListeners() ? TraceAsync(context) : next(context);

    private async Task TraceAsync(HttpContext context)
    {
        using var span = GatewayTracing.Source.StartActivity("gateway request", ActivityKind.Server);
        await next(context).ConfigureAwait(false);
        if (span is null) return;
        var status = context.Response.StatusCode;
        span.SetTag("http.response.status_code", status);
        if (status >= 400) span.SetStatus(ActivityStatusCode.Error, TelemetryTags.StatusClassOf(status));
        if (context.Features.Get<GatewayRequestFeature>() is not { } feature) return;
        var operation = feature.Route.Operation.TelemetryName;
        span.SetTag(TelemetryTags.Operation, operation);
        if (feature.Pool is { } pool)
        {
            span.DisplayName = $"{operation} {pool.Name}";
            span.SetTag(TelemetryTags.RequestModel, pool.Name);
            span.SetTag(TelemetryTags.Pool, pool.Name);
        }
        if (feature.Consumer is { } consumer) span.SetTag(TelemetryTags.Consumer, consumer.Name);
        if (feature.Outcome.Backend is { } backend) span.SetTag(TelemetryTags.Backend, backend.Name);
        span.SetTag("tokengate.attempts", feature.Outcome.Attempts);
        if ((feature.Outcome.ReportedUsage ?? feature.Outcome.StreamTap?.Usage) is { } usage)
        {
            span.SetTag("gen_ai.usage.input_tokens", usage.PromptTokens);
            span.SetTag("gen_ai.usage.output_tokens", usage.CompletionTokens);
        }
    }
}
