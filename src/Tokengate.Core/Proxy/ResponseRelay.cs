using System.Buffers;
using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Accounting;

namespace Tokengate.Proxy;

/// <summary>
/// Relays a backend's response to the consumer as it arrives. Server-sent events go out one complete event at a
/// time, flushed at once, so nothing waits on the gateway and a broken upstream never leaves half an event on the
/// wire: it ends with an SSE error event that the SDKs raise as an API error.
/// </summary>
internal static class ResponseRelay
{
    private const int InitialBufferSize = 16 * 1024;

    /// <summary>A single SSE event larger than this is treated as a broken stream.</summary>
    private const int MaxEventBytes = 16 * 1024 * 1024;

    /// <summary>A non-streaming body larger than this is relayed without reading its usage (the prompt is counted instead).</summary>
    private const int MaxCapturedBodyBytes = 8 * 1024 * 1024;

    private static readonly FrozenSet<string> NotCopied = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Alt-Svc");

    public static void CopyStatusAndHeaders(HttpResponseMessage upstream, IResponseSink response)
    {
        response.StatusCode = (int)upstream.StatusCode;
        foreach (var header in upstream.Headers.NonValidated)
        {
            if (!NotCopied.Contains(header.Key)) response.Headers[header.Key] = header.Value.ToString();
        }
        // An event stream is relayed event by event and may lose the usage event the gateway asked for, so its
        // length is not the backend's: it goes out chunked.
        var eventStream = IsEventStream(upstream);
        foreach (var header in upstream.Content.Headers.NonValidated)
        {
            if (NotCopied.Contains(header.Key) || (eventStream && header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))) continue;
            response.Headers[header.Key] = header.Value.ToString();
        }
    }

    /// <summary>JSON or text (or no content type, read in case it is JSON): kept to read and log; audio and other bytes are not.</summary>
    private static bool IsReadable(HttpResponseMessage upstream) => upstream.Content.Headers.ContentType?.MediaType switch
    {
        null => true,
        var type => type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("text/", StringComparison.OrdinalIgnoreCase),
    };

    public static bool IsEventStream(HttpResponseMessage upstream) =>
        upstream.Content.Headers.ContentType?.MediaType is "text/event-stream";

    /// <summary>
    /// Copies a plain (non-streaming) body and reads its <c>usage</c> as it passes (the first
    /// <see cref="MaxCapturedBodyBytes"/> are kept for that). A failure half-way aborts the consumer's connection.
    /// With <paramref name="beforeLastBytes"/>, the last chunk is held until it has seen the whole body: a consumer
    /// cannot act on what the body says (a new response's id) before the gateway has recorded it.
    /// </summary>
    /// <remarks>
    /// Azure's own prompt-filter annotations (jailbreak, indirect attack) are read from the same captured bytes once the
    /// body has gone out (<see cref="Screening.AzureAnnotationReader"/>).
    /// </remarks>
    public static async ValueTask<(UsageCounts? Usage, Screening.AzurePromptAnnotations Annotations)> RelayBodyAsync(
        IResponseSink response, HttpResponseMessage upstream, Func<ReadOnlyMemory<byte>, ValueTask>? beforeLastBytes = null, bool countImages = false)
    {
        var aborted = response.Aborted;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var filled = 0;
        // Only JSON has usage to read: audio and other bytes go through the buffer as they come.
        var captured = IsReadable(upstream);
        var held = (Start: 0, Length: 0);
        try
        {
            var source = await upstream.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
            while (true)
            {
                if (captured && filled == buffer.Length)
                {
                    if (buffer.Length >= MaxCapturedBodyBytes)
                    {
                        // Too large to keep: relay the rest through the same buffer without reading it.
                        if (held.Length > 0) await response.WriteAsync(buffer.AsMemory(held.Start, held.Length), aborted).ConfigureAwait(false);
                        held = default;
                        captured = false;
                        filled = 0;
                    }
                    else
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
                var at = captured ? filled : 0;
                var read = await source.ReadAsync(buffer.AsMemory(at), aborted).ConfigureAwait(false);
                if (read == 0) break;
                if (beforeLastBytes is not null && captured)
                {
                    if (held.Length > 0) await response.WriteAsync(buffer.AsMemory(held.Start, held.Length), aborted).ConfigureAwait(false);
                    held = (at, read);
                }
                else
                {
                    await response.WriteAsync(buffer.AsMemory(at, read), aborted).ConfigureAwait(false);
                }
                if (captured) filled += read;
            }
            if (beforeLastBytes is not null)
            {
                await beforeLastBytes(captured ? buffer.AsMemory(0, filled) : default).ConfigureAwait(false);
                if (held.Length > 0) await response.WriteAsync(buffer.AsMemory(held.Start, held.Length), aborted).ConfigureAwait(false);
            }
            if (!captured) return (null, Screening.AzurePromptAnnotations.None);
            var body = buffer.AsSpan(0, filled);
            response.Captured(body);
            return (UsageReader.TryRead(body, countImages, out var usage) ? usage : null, Screening.AzureAnnotationReader.Read(body));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            response.Abort();
            return (null, Screening.AzurePromptAnnotations.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Relays an SSE body event by event; <paramref name="tap"/> sees every event and may hold one back, and records
    /// when the first one was flushed to the consumer (its time to first token). An id the stream announces goes to
    /// <paramref name="onAnnouncedId"/> before the event that carries it is written. Returns false when the upstream
    /// broke before the stream's own end (the tap's error event was sent instead).
    /// </summary>
    public static async Task<bool> RelayEventsAsync(IResponseSink body, HttpResponseMessage upstream, StreamTap tap, TimeProvider time, Func<string, ValueTask>? onAnnouncedId = null)
    {
        var aborted = body.Aborted;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var filled = 0;
        var broken = false;
        try
        {
            var source = await upstream.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
            await body.StartStreamingAsync(aborted).ConfigureAwait(false);
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxEventBytes)
                    {
                        broken = true;
                        break;
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read;
                var waitStarted = tap.FirstByteWaitTicks == 0 ? time.GetTimestamp() : 0;
                try
                {
                    read = await source.ReadAsync(buffer.AsMemory(filled), aborted).ConfigureAwait(false);
                }
                catch (Exception ex) when (!aborted.IsCancellationRequested && ex is IOException or HttpRequestException or OperationCanceledException)
                {
                    broken = true;
                    break;
                }
                if (read == 0) break;
                if (waitStarted != 0) tap.FirstByteWaitTicks = Math.Max(1, time.GetTimestamp() - waitStarted);
                filled += read;

                var complete = CompleteEventsLength(buffer.AsSpan(0, filled));
                if (complete == 0) continue;
                try
                {
                    await WriteEventsAsync(body, buffer.AsMemory(0, complete), tap, onAnnouncedId, aborted).ConfigureAwait(false);
                    await body.FlushAsync(aborted).ConfigureAwait(false);
                    if (tap.FirstEventTimestamp == 0) tap.FirstEventTimestamp = time.GetTimestamp();
                }
                finally
                {
                    tap.Relayed(buffer.AsSpan(0, complete));
                }
                buffer.AsSpan(complete, filled - complete).CopyTo(buffer);
                filled -= complete;
            }

            if (broken || !tap.Ended)
            {
                // Whatever partial event is left in the buffer is dropped: the consumer sees whole events only.
                await body.WriteAsync(tap.BrokenStreamEvent(), aborted).ConfigureAwait(false);
                await body.FlushAsync(aborted).ConfigureAwait(false);
                return false;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the events the tap lets through, as few writes as the held-back ones allow.</summary>
    private static async ValueTask WriteEventsAsync(IResponseSink body, ReadOnlyMemory<byte> events, StreamTap tap, Func<string, ValueTask>? onAnnouncedId, CancellationToken cancellationToken)
    {
        var runStart = 0;
        var at = 0;
        while (at < events.Length)
        {
            var length = StreamTap.NextEventLength(events.Span[at..]);
            var relay = tap.Inspect(events.Span.Slice(at, length));
            if (tap.TakeAnnouncedId() is { } id && onAnnouncedId is not null)
            {
                // The events before it go out; this one waits until its id is recorded.
                if (at > runStart) await body.WriteAsync(events[runStart..at], cancellationToken).ConfigureAwait(false);
                runStart = at;
                await onAnnouncedId(id).ConfigureAwait(false);
            }
            if (!relay)
            {
                if (at > runStart) await body.WriteAsync(events[runStart..at], cancellationToken).ConfigureAwait(false);
                runStart = at + length;
            }
            at += length;
        }
        if (events.Length > runStart) await body.WriteAsync(events[runStart..], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Length of the prefix made of complete events (each ends with a blank line, LF or CRLF).</summary>
    internal static int CompleteEventsLength(ReadOnlySpan<byte> data)
    {
        var lf = data.LastIndexOf("\n\n"u8);
        var crlf = data.LastIndexOf("\n\r\n"u8);
        return Math.Max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 3);
    }
}
