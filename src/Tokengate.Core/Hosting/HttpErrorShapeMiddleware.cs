using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.OpenAI;

namespace Tokengate.Hosting;

/// <summary>
/// Wraps every request off the model routes (those have <see cref="ErrorBoundaryMiddleware"/>), so that their errors
/// leave in the Azure shape too: an error status that routing or an endpoint set without a body (a path nothing
/// serves, including one that only exists after dot segments are removed; a method a route does not take; an
/// authentication challenge), a request body that cannot be read on an operator endpoint, and an unexpected failure
/// there. What Kestrel refuses before any application code runs (request line, headers) never comes here.
/// </summary>
internal sealed partial class HttpErrorShapeMiddleware(RequestDelegate next, ILogger<HttpErrorShapeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ProtocolErrors.TryFromBodyFault(ex, bodyLimit: null, out var error))
        {
            LogBodyRefused(logger, context.Request.Path, error.Status, error.Message);
            await ProtocolErrors.WriteOrAbortAsync(context, error).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            LogUnhandled(logger, ex, context.Request.Path);
            await ProtocolErrors.WriteOrAbortAsync(context, GatewayError.Internal).ConfigureAwait(false);
            return;
        }

        if (ProtocolErrors.IsEmptyError(context.Response))
        {
            await ProtocolErrors.ForEmptyStatus(context.Response.StatusCode).WriteAsync(context).ConfigureAwait(false);
        }
    }

    [LoggerMessage(7, LogLevel.Debug, "Request body on {Path} refused with {Status}: {Reason}")]
    private static partial void LogBodyRefused(ILogger logger, PathString path, int status, string reason);

    [LoggerMessage(8, LogLevel.Error, "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
