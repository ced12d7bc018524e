using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Responses;

/// <summary>
/// Writes a response's events as named SSE events, each when its schedule says it is due: the stream of a create
/// call, and the resumed stream of <c>GET …/responses/{id}?stream=true&amp;starting_after=N</c>. No <c>[DONE]</c>
/// follows; the stream ends after the terminal event, or as soon as the response is cancelled.
/// </summary>
internal sealed class ResponseStreamer(SimulatorRuntime runtime)
{
    /// <summary>
    /// Streams the events after sequence number <paramref name="startingAfter"/> (-1 for all). With
    /// <paramref name="cutAfterDeltas"/> set, throws <see cref="SimulatedStreamCutException"/> once that many deltas
    /// are out (or before the closing events of a shorter answer). Returns whether the terminal event was sent.
    /// </summary>
    public async Task<bool> StreamAsync(HttpContext context, StoredResponse response, int startingAfter, int? cutAfterDeltas)
    {
        var http = context.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = ServerSentEvents.ContentType;
        http.Headers.CacheControl = "no-cache";
        var pipe = http.BodyWriter;
        await pipe.FlushAsync(context.RequestAborted);

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, response.Cancelled);
        var deltas = 0;
        for (var sequence = startingAfter + 1; sequence < response.Events.Length; sequence++)
        {
            var e = response.Events[sequence];
            if (cutAfterDeltas is int cut && ((e.Kind == ResponseEventKind.Delta && deltas >= cut) || e.Kind == ResponseEventKind.DeltasDone))
            {
                throw new SimulatedStreamCutException();
            }

            var delay = e.DueTicks - runtime.NowTicks;
            if (delay > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromTicks(delay), runtime.Time, wait.Token);
                }
                catch (OperationCanceledException) when (response.Cancelled.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
                {
                    return false;
                }
            }

            // Events due after a cancellation never happen.
            if (response.IsCancelledBy(e.DueTicks))
            {
                return false;
            }

            var w = ServerSentEvents.BeginNamedEvent(pipe, ResponseJson.EventType(response, e.Kind));
            ResponseJson.WriteEvent(w, response, sequence);
            ServerSentEvents.EndEvent(pipe, w);
            await pipe.FlushAsync(context.RequestAborted);
            if (e.Kind == ResponseEventKind.Delta)
            {
                deltas++;
            }
        }

        return true;
    }
}
