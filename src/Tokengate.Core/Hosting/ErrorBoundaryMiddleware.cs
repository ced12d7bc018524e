using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.OpenAI;

namespace Tokengate.Hosting;

/// <summary>
/// Step 1: opens the request's <see cref="GatewayRequestFeature"/> under the current configuration, and makes sure
/// that whatever goes wrong further down leaves as an Azure-shaped error with the right status, never a stack
/// trace; the feature's pooled memory is returned however the request ends.
/// </summary>
internal sealed partial class ErrorBoundaryMiddleware(
    RequestDelegate next, GatewayConfiguration configuration, TimeProvider time, ILogger<ErrorBoundaryMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<GatewayRoute>()
            ?? throw new InvalidOperationException("Gateway endpoints carry GatewayRoute metadata.");
        context.Features.Set(new GatewayRequestFeature(route, configuration.Current, time.GetTimestamp()));
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The consumer went away; there is no one to answer.
        }
        catch (BadHttpRequestException ex)
        {
            await WriteOrAbortAsync(context, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? GatewayError.BodyTooLarge(context.Features.Get<GatewayRequestFeature>()?.Snapshot.Forwarding.MaxRequestBodyBytes ?? 0)
                : GatewayError.InvalidBody(ex.Message)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogUnhandled(logger, ex, context.Request.Path);
            await WriteOrAbortAsync(context, GatewayError.Internal).ConfigureAwait(false);
        }
        finally
        {
            context.Features.Get<GatewayRequestFeature>()?.Dispose();
        }
    }

    private static Task WriteOrAbortAsync(HttpContext context, GatewayError error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }
        context.Response.Clear();
        return error.WriteAsync(context);
    }

    [LoggerMessage(1, LogLevel.Error, "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
