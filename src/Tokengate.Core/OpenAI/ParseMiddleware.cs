using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Hosting;

namespace Tokengate.OpenAI;

/// <summary>
/// Step 3: reads the body once into pooled memory (refusing more than the configured limit), reads the fields the
/// gateway needs, and resolves the logical deployment to its pool.
/// </summary>
internal sealed class ParseMiddleware(RequestDelegate next)
{
    private const int InitialBufferSize = 16 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var route = feature.Route;
        var request = context.Request;

        if (route.Family == RouteFamily.AzureClassic)
        {
            var apiVersion = request.Query["api-version"];
            if (apiVersion.Count != 1 || string.IsNullOrWhiteSpace(apiVersion[0]))
            {
                await GatewayError.ResourceNotFound.WriteAsync(context).ConfigureAwait(false);
                return;
            }
            feature.ApiVersion = apiVersion[0];
        }

        var limit = feature.Snapshot.Forwarding.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            await GatewayError.BodyTooLarge(limit).WriteAsync(context).ConfigureAwait(false);
            return;
        }

        var (buffer, length) = await ReadBodyAsync(request, limit, context.RequestAborted).ConfigureAwait(false);
        if (buffer is null)
        {
            await GatewayError.BodyTooLarge(limit).WriteAsync(context).ConfigureAwait(false);
            return;
        }
        feature.SetBody(buffer, length);

        if (!RequestBodyParser.TryParse(feature.Body.Span, out feature.Parsed, out var error))
        {
            await GatewayError.InvalidBody(error!).WriteAsync(context).ConfigureAwait(false);
            return;
        }

        ReadOnlySpan<char> deployment;
        if (route.Family == RouteFamily.AzureClassic)
        {
            deployment = (context.Request.RouteValues["deployment"] as string).AsSpan();
        }
        else if (feature.Parsed.Model is { Length: > 0 } model)
        {
            deployment = model;
        }
        else
        {
            await GatewayError.MissingModel.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        if (!feature.Snapshot.TryGetPool(deployment, out var pool))
        {
            await GatewayError.DeploymentNotFound.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        feature.Pool = pool;
        await next(context).ConfigureAwait(false);
    }

    /// <summary>Returns a rented buffer and the body length, or a null buffer when the body passed the limit.</summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        // Read at most limit + 1 bytes: one byte past the limit is enough to know the body is too large.
        var size = (int)Math.Min(limit + 1, request.ContentLength is { } declared ? Math.Max(declared, 1) : InitialBufferSize);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var room = (int)Math.Min(buffer.Length - length, limit + 1 - length);
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, room), cancellationToken).ConfigureAwait(false);
                if (read == 0) return (buffer, length);
                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, 0);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
