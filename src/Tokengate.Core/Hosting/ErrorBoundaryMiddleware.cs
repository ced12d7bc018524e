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
        var feature = new GatewayRequestFeature(route, configuration.Current, time.GetTimestamp()) { Request = RequestEnvelope.From(context.Request) };
        context.Features.Set(feature);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The consumer went away; there is no one to answer.
        }
        catch (Exception ex) when (ProtocolErrors.TryFromBodyFault(ex, feature.Snapshot.Forwarding.MaxRequestBodyBytes, out var error))
        {
            // The client's framing, not the gateway's fault: no stack trace, and below the level an operator reads.
            LogBodyRefused(logger, context.Request.Path, error.Status, error.Message);
            await ProtocolErrors.WriteOrAbortAsync(context, error).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogUnhandled(logger, ex, context.Request.Path);
            await ProtocolErrors.WriteOrAbortAsync(context, GatewayError.Internal).ConfigureAwait(false);
        }
        finally
        {
            feature.Dispose();
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);

    [LoggerMessage(6, LogLevel.Debug, "Request body on {Path} refused with {Status}: {Reason}")]
    private static partial void LogBodyRefused(ILogger logger, PathString path, int status, string reason);
}
