using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Affinity;
using Tokengate.Hosting;
using Tokengate.Operations;
using Tokengate.Routing;

namespace Tokengate.OpenAI;

/// <summary>
/// Step 3: reads the body once into pooled memory (refusing more than the configured limit), reads the fields the
/// gateway needs, and resolves the logical deployment to its pool: from the route or the body's <c>model</c>, or,
/// for a call on a stored response, from the response's record, which also pins the request to the backend that
/// holds it. A stored id the consumer does not own is answered exactly as one that does not exist.
/// </summary>
internal sealed class ParseMiddleware(RequestDelegate next, ResponseAffinity affinity)
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

        var operation = route.Operation;
        if (operation.Body == BodyKind.Json)
        {
            if (!await ReadJsonBodyAsync(context, feature).ConfigureAwait(false)) return;
        }
        else if (operation.Body == BodyKind.Raw)
        {
            if (!await ReadRawBodyAsync(context, feature).ConfigureAwait(false)) return;
            feature.Parsed = new ParsedRequest { N = 1 };
        }
        else
        {
            // A stored response's stream is resumed with GET ...?stream=true.
            feature.Parsed = new ParsedRequest { N = 1, Stream = string.Equals(request.Query["stream"], "true", StringComparison.OrdinalIgnoreCase) };
        }

        if (operation.Deployment == DeploymentSource.StoredId)
        {
            if (!await ResolveStoredAsync(context, feature).ConfigureAwait(false)) return;
        }
        else
        {
            ReadOnlySpan<char> deployment;
            if (operation.Deployment == DeploymentSource.PathOrModel && route.Family == RouteFamily.AzureClassic)
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
            if (!pool.Backends.Any(b => b.CanServe(operation)))
            {
                await GatewayError.OperationNotServed(operation.Name, pool.Name).WriteAsync(context).ConfigureAwait(false);
                return;
            }
            if (operation.Affinity == AffinityRole.Creates && !await ResolveContinuedAsync(context, feature).ConfigureAwait(false)) return;
        }
        await next(context).ConfigureAwait(false);
    }

    private static async Task<bool> ReadRawBodyAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var request = context.Request;
        var limit = feature.Snapshot.Forwarding.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            await GatewayError.BodyTooLarge(limit).WriteAsync(context).ConfigureAwait(false);
            return false;
        }

        var (buffer, length) = await ReadBodyAsync(request, limit, context.RequestAborted).ConfigureAwait(false);
        if (buffer is null)
        {
            await GatewayError.BodyTooLarge(limit).WriteAsync(context).ConfigureAwait(false);
            return false;
        }
        feature.SetBody(buffer, length);
        return true;
    }

    private static async Task<bool> ReadJsonBodyAsync(HttpContext context, GatewayRequestFeature feature)
    {
        if (!await ReadRawBodyAsync(context, feature).ConfigureAwait(false)) return false;
        if (!RequestBodyParser.TryParse(feature.Body.Span, out feature.Parsed, out var error))
        {
            await GatewayError.InvalidBody(error!).WriteAsync(context).ConfigureAwait(false);
            return false;
        }
        return true;
    }

    /// <summary>A call on a stored response: its owner's only, on the pool and backend that hold it.</summary>
    private async Task<bool> ResolveStoredAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var id = context.Request.RouteValues["id"] as string;
        var record = await affinity.FindOwnedAsync(id, feature.Consumer!, context.RequestAborted).ConfigureAwait(false);
        if (record is null || !TryPin(feature, record))
        {
            await AffinityErrors.ResponseNotFound(id).WriteAsync(context).ConfigureAwait(false);
            return false;
        }
        feature.StoredId = id;
        feature.StoredChainTokens = record.ChainTokens;
        return true;
    }

    /// <summary>
    /// A new response that continues a stored one (<c>previous_response_id</c>) goes where the chain lives; one that
    /// is not stored and continues nothing is free to go anywhere.
    /// </summary>
    private async Task<bool> ResolveContinuedAsync(HttpContext context, GatewayRequestFeature feature)
    {
        if (feature.Parsed.PreviousResponseId is not { } previous) return true;
        var record = await affinity.FindOwnedAsync(previous, feature.Consumer!, context.RequestAborted).ConfigureAwait(false);
        if (record is null || !TryPin(feature, record, requiredPool: feature.Pool))
        {
            var error = record is not null && !string.Equals(record.Pool, feature.Pool!.Name, StringComparison.OrdinalIgnoreCase)
                ? AffinityErrors.DifferentBackends(previous, record.Pool, feature.Pool!.Name)
                : AffinityErrors.PreviousResponseNotFound(previous);
            await error.WriteAsync(context).ConfigureAwait(false);
            return false;
        }
        feature.ContinuedChainTokens = record.ChainTokens;
        return true;
    }

    /// <summary>Pins the request to the record's backend; false when that backend is no longer configured (or not in <paramref name="requiredPool"/>).</summary>
    private static bool TryPin(GatewayRequestFeature feature, AffinityRecord record, Pool? requiredPool = null)
    {
        var pool = requiredPool;
        if (pool is null && !feature.Snapshot.TryGetPool(record.Pool, out pool)) return false;
        if (!string.Equals(pool.Name, record.Pool, StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var backend in pool.Backends)
        {
            if (!string.Equals(backend.Name, record.Backend, StringComparison.OrdinalIgnoreCase)) continue;
            feature.Pool = pool;
            feature.PinnedBackend = backend;
            return true;
        }
        return false;
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
