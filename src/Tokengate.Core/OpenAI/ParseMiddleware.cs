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
    private const int SegmentSize = 1024 * 1024;
    private readonly ParseStep _step = new(affinity);

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        // A body already received and a route resolved without waiting (nearly always): no async step of this
        // middleware's own.
        if (feature.Route.Operation.Body != BodyKind.None)
        {
            var read = ReadBodyAsync(context, feature);
            if (!read.IsCompletedSuccessfully) return AwaitBodyAsync(context, feature, read);
            if (!read.Result) return Task.CompletedTask;
        }
        var resolved = _step.ResolveAsync(feature, context.RequestAborted);
        if (!resolved.IsCompletedSuccessfully) return AwaitResolvedAsync(context, resolved);
        return resolved.Result is { } refused ? refused.WriteAsync(context) : next(context);
    }

    private async Task AwaitBodyAsync(HttpContext context, GatewayRequestFeature feature, Task<bool> read)
    {
        if (!await read.ConfigureAwait(false)) return;
        await AwaitResolvedAsync(context, _step.ResolveAsync(feature, context.RequestAborted)).ConfigureAwait(false);
    }

    private async Task AwaitResolvedAsync(HttpContext context, ValueTask<GatewayError?> resolved)
    {
        if (await resolved.ConfigureAwait(false) is { } refused)
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
    private static ValueTask<(byte[]? Buffer, int Length)> ReadPooledAsync(HttpRequest request, long limit, CancellationToken cancellationToken) =>
        request.ContentLength is { } declared
            ? ReadDeclaredAsync(request, (int)Math.Min(limit + 1, Math.Max(declared, 1)), limit, cancellationToken)
            : ReadChunkedAsync(request, limit, cancellationToken);

    /// <summary>A body of known length (the server holds the client to it): one buffer of that size.</summary>
    private static async ValueTask<(byte[]? Buffer, int Length)> ReadDeclaredAsync(HttpRequest request, int size, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length - length, limit + 1 - length)), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > limit) break;
            }
            if (length <= limit) return (buffer, length);
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, 0);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// A body of unknown length (chunked): a small first buffer, then segments of one size, copied into one buffer of
    /// the exact length at the end. Segments of one size are reused request after request, so a stream of oversized
    /// chunked uploads leaves no trail of ever larger buffers; past the limit, reading stops.
    /// </summary>
    private static async ValueTask<(byte[]? Buffer, int Length)> ReadChunkedAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var segments = new List<byte[]>(1) { ArrayPool<byte>.Shared.Rent(InitialBufferSize) };
        var filled = 0;     // in the last segment
        long total = 0;
        try
        {
            while (true)
            {
                var segment = segments[^1];
                if (filled == segment.Length)
                {
                    segments.Add(segment = ArrayPool<byte>.Shared.Rent(SegmentSize));
                    filled = 0;
                }
                var read = await request.Body.ReadAsync(segment.AsMemory(filled, (int)Math.Min(segment.Length - filled, limit + 1 - total)), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                filled += read;
                total += read;
                if (total > limit) return (null, 0);
            }
            if (segments.Count == 1)
            {
                var only = segments[0];
                segments.Clear();
                return (only, filled);
            }
            var body = ArrayPool<byte>.Shared.Rent((int)total);
            var at = 0;
            for (var i = 0; i < segments.Count; i++)
            {
                var count = i == segments.Count - 1 ? filled : segments[i].Length;
                segments[i].AsSpan(0, count).CopyTo(body.AsSpan(at));
                at += count;
            }
            return (body, at);
        }
        finally
        {
            foreach (var segment in segments) ArrayPool<byte>.Shared.Return(segment);
        }
    }
}
