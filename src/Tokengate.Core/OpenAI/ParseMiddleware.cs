using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Affinity;
using Tokengate.Hosting;
using Tokengate.Operations;

namespace Tokengate.OpenAI;

/// <summary>
/// Step 3 at the HTTP edge: reads the body once into pooled memory (refusing more than the configured limit), then
/// <see cref="ParseStep"/> reads it and finds where the request goes.
/// </summary>
internal sealed class ParseMiddleware(RequestDelegate next, ResponseAffinity affinity)
{
    private const int InitialBufferSize = 16 * 1024;
    private readonly ParseStep _step = new(affinity);

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        if (feature.Route.Operation.Body != BodyKind.None && !await ReadBodyAsync(context, feature).ConfigureAwait(false)) return;
        if (await _step.ResolveAsync(feature, context.RequestAborted).ConfigureAwait(false) is { } refused)
        {
            await refused.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    private static async Task<bool> ReadBodyAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var request = context.Request;
        var forwarding = feature.Snapshot.Forwarding;
        var limit = feature.Route.Operation.Body == BodyKind.Multipart ? forwarding.MaxUploadBytes : forwarding.MaxRequestBodyBytes;
        if (request.ContentLength > limit || !(await ReadPooledAsync(request, limit, context.RequestAborted).ConfigureAwait(false) is { Buffer: { } buffer } read))
        {
            // The rest of an oversized body is never read: the connection closes after the answer instead of draining it.
            context.Response.Headers.Connection = "close";
            await GatewayError.BodyTooLarge(limit).WriteAsync(context).ConfigureAwait(false);
            return false;
        }
        var length = read.Length;
        feature.SetBody(buffer, length);
        return true;
    }

    /// <summary>Returns a rented buffer and the body length, or a null buffer when the body passed the limit.</summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadPooledAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
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
