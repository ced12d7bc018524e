using System.Text.Json;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// Streams one admitted response: <c>response.created</c>, <c>rate_limits.updated</c>, the output item and its
/// content part, one delta per token (text; or audio and transcript; or function call arguments) after
/// time-to-first-token and a per-token delay each, the closing events and <c>response.done</c> with its usage.
/// A cancel ends it early with status <c>cancelled</c> and the output produced so far; an injected cut drops the
/// socket after <see cref="RealtimeResponsePlan.CutAfter"/> deltas.
/// </summary>
internal sealed class RealtimeResponseStream
{
    private const int OutputIndex = 0;
    private const int ContentIndex = 0;

    private readonly RealtimeSession _session;
    private readonly RealtimeResponse _response;
    private readonly RealtimeResponsePlan _plan;
    private readonly CancellationToken _cancelled;
    private readonly CancellationToken _aborted;
    private readonly RealtimeEventNames _names;
    private int _delivered;

    /// <param name="session">The session whose socket, lock and settlement the response uses.</param>
    /// <param name="response">The response its events report.</param>
    /// <param name="plan">What it streams.</param>
    /// <param name="cancelled">Signalled by <c>response.cancel</c> (and when the session closes); never reaches a send.</param>
    /// <param name="aborted">The connection's end: cancels sends and waits alike.</param>
    public RealtimeResponseStream(RealtimeSession session, RealtimeResponse response, RealtimeResponsePlan plan, CancellationToken cancelled, CancellationToken aborted)
    {
        _session = session;
        _response = response;
        _plan = plan;
        _cancelled = cancelled;
        _aborted = aborted;
        _names = session.Names;
    }

    /// <summary>Whether it was billed (done) or cut; otherwise its session settles it as abandoned.</summary>
    public bool Ended { get; private set; }

    /// <summary>Output tokens produced so far.</summary>
    public int OutputTokens => TextTokens + AudioTokens;

    private RealtimeItem Item => _response.Item!;

    private int TextTokens => _delivered >= _plan.Choice.PieceCount ? _plan.Choice.TokenCount : _delivered;

    private int AudioTokens => _plan.Audio ? _delivered * RealtimeAudio.TokensPerWord : 0;

    private bool InConversation => _response.ConversationId is not null;

    public async Task RunAsync()
    {
        var call = _plan.Choice.ToolCall;

        // Each wait starts before the events ahead of it go out, so a test clock moved after one of them is seen.
        var latency = _plan.Snapshot.Options.Latency;
        var wait = StartWait(Delay(latency.TimeToFirstTokenMs, latency.JitterRatio) + Delay(latency.PerTokenMs, latency.JitterRatio));
        await SendAsync("response.created", static (w, s) => RealtimeJson.WriteResponse(w, s._response, s._session.Dialect, final: false));
        await SendAsync("rate_limits.updated", static (w, s) => RealtimeRateLimits.Write(w, s._plan.Admission, s._plan.Snapshot.IsProvisioned));
        await SendAsync("response.output_item.added", static (w, s) =>
        {
            s.WriteIds(w, item: false);
            s.WriteItem(w);
        });
        if (InConversation)
        {
            await _session.SendItemEventsAsync(Item, _plan.PreviousItemId, created: true, done: false);
        }

        if (call is null)
        {
            // The item is announced empty; its one part arrives now, as the service adds parts while it generates.
            lock (_session.Sync)
            {
                Item.Content.Add(new RealtimeContentPart(_plan.Audio ? RealtimePartKind.OutputAudio : RealtimePartKind.OutputText));
            }

            await SendAsync("response.content_part.added", static (w, s) =>
            {
                s.WriteIds(w, item: true);
                w.WriteNumber("content_index"u8, ContentIndex);
                s.WritePart(w, string.Empty);
            });
        }

        var stopped = false;
        for (var i = 0; i < _plan.Choice.PieceCount; i++)
        {
            if (_plan.CutAfter is int cut && _delivered >= cut)
            {
                CutNow();
                return;
            }

            if (!await wait || _cancelled.IsCancellationRequested)
            {
                stopped = true;
                break;
            }

            wait = i + 1 < _plan.Choice.PieceCount ? StartWait(Delay(latency.PerTokenMs, latency.JitterRatio)) : Task.FromResult(true);
            await SendDeltaAsync(i);
            _delivered++;
        }

        if (_plan.Choice.PieceCount == 0)
        {
            // An empty answer still takes its time to first token.
            stopped = !await wait;
        }

        stopped |= _cancelled.IsCancellationRequested;
        if (_session.Closing)
        {
            return;
        }

        if (!stopped && _plan.CutAfter is not null)
        {
            // A cut armed for more deltas than the answer has comes before the closing events.
            CutNow();
            return;
        }

        Complete(stopped);
        if (call is not null)
        {
            await SendAsync("response.function_call_arguments.done", static (w, s) =>
            {
                s.WriteIds(w, item: true);
                w.WriteString("call_id"u8, s.Item.CallId);
                w.WriteString("name"u8, s.Item.Name);
                w.WriteString("arguments"u8, s.Item.Arguments);
            });
        }
        else
        {
            var text = _plan.Choice.Prefix(_delivered);
            if (_plan.Audio)
            {
                await SendAsync(_names.AudioDone, static (w, s) => s.WriteContentIds(w));
                await SendAsync(_names.TranscriptDone, text, static (w, s, t) =>
                {
                    s.WriteContentIds(w);
                    w.WriteString("transcript"u8, t);
                });
            }
            else
            {
                await SendAsync(_names.TextDone, text, static (w, s, t) =>
                {
                    s.WriteContentIds(w);
                    w.WriteString("text"u8, t);
                });
            }

            await SendAsync("response.content_part.done", text, static (w, s, t) =>
            {
                s.WriteContentIds(w);
                s.WritePart(w, t);
            });
        }

        await SendAsync("response.output_item.done", static (w, s) =>
        {
            s.WriteIds(w, item: false);
            s.WriteItem(w);
        });
        if (InConversation)
        {
            await _session.SendItemEventsAsync(Item, _plan.PreviousItemId, created: false, done: true);
        }

        _session.Finish(_response, _plan);
        Ended = true;
        await SendAsync("response.done", static (w, s) =>
        {
            lock (s._session.Sync)
            {
                RealtimeJson.WriteResponse(w, s._response, s._session.Dialect, final: true);
            }
        });
    }

    private Task SendDeltaAsync(int index)
    {
        var piece = _plan.Choice.Piece(index).ToString();
        if (_plan.Choice.ToolCall is not null)
        {
            return SendAsync("response.function_call_arguments.delta", piece, static (w, s, p) =>
            {
                s.WriteIds(w, item: true);
                w.WriteString("call_id"u8, s.Item.CallId);
                w.WriteString("delta"u8, p);
            });
        }

        if (!_plan.Audio)
        {
            return SendAsync(_names.TextDelta, piece, static (w, s, p) =>
            {
                s.WriteContentIds(w);
                w.WriteString("delta"u8, p);
            });
        }

        return SendAudioDeltaAsync(piece);
    }

    private async Task SendAudioDeltaAsync(string piece)
    {
        await SendAsync(_names.AudioDelta, static (w, s) =>
        {
            s.WriteContentIds(w);
            w.WriteString("delta"u8, RealtimeAudio.WordBase64(s._response.Config.OutputFormat));
        });
        await SendAsync(_names.TranscriptDelta, piece, static (w, s, p) =>
        {
            s.WriteContentIds(w);
            w.WriteString("delta"u8, p);
        });
    }

    /// <summary>Fills the item with what was produced and sets the final status and usage.</summary>
    private void Complete(bool cancelledEarly)
    {
        var truncated = !cancelledEarly && _plan.Choice.Truncated;
        var prefix = _plan.Choice.Prefix(_delivered);
        lock (_session.Sync)
        {
            if (_plan.Choice.ToolCall is { } call)
            {
                Item.Arguments = prefix;
                Item.TextTokens = Count(call.Name) + TextTokens;
            }
            else
            {
                var part = Item.Content[ContentIndex];
                if (_plan.Audio)
                {
                    part.Transcript = prefix;
                    part.AudioBytes = (long)_delivered * RealtimeAudio.WordBytes(_response.Config.OutputFormat);
                    part.AudioTokens = AudioTokens;
                }
                else
                {
                    part.Text = prefix;
                    part.TextTokens = TextTokens;
                }
            }

            Item.Status = cancelledEarly || truncated ? "incomplete" : "completed";
        }

        (_response.Status, _response.Reason) = cancelledEarly ? ("cancelled", "client_cancelled")
            : truncated ? ("incomplete", "max_output_tokens")
            : ("completed", (string?)null);
        _response.Usage = new RealtimeUsage(_plan.InputTextTokens, _plan.InputAudioTokens, TextTokens, AudioTokens);
    }

    private void CutNow()
    {
        Ended = true;
        _session.Cut(_response, _plan, OutputTokens);
    }

    private int Count(string text) =>
        text.Length == 0 ? 0 : _session.Runtime.Tokenizers.Get(_plan.Snapshot.Model.Encoding).CountTokens(text);

    private TimeSpan Delay(double milliseconds, double jitter) => Latency.Of(milliseconds, jitter, _session.Runtime.Random);

    /// <summary>
    /// A wait on the simulator's clock, its timer started now: true when it elapsed, false when the response was
    /// cancelled (or the connection ended) first. It never throws, so one left behind by a failed send is harmless.
    /// </summary>
    private Task<bool> StartWait(TimeSpan delay)
    {
        if (_cancelled.IsCancellationRequested)
        {
            return Task.FromResult(false);
        }

        return delay <= TimeSpan.Zero ? Task.FromResult(true) : WaitAsync(delay);
    }

    private async Task<bool> WaitAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _session.Runtime.Time, _cancelled);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private Task SendAsync(string type, Action<Utf8JsonWriter, RealtimeResponseStream> write) =>
        _session.Sink.SendAsync(type, (Stream: this, Write: write), static (w, s) => s.Write(w, s.Stream), _aborted);

    private Task SendAsync(string type, string value, Action<Utf8JsonWriter, RealtimeResponseStream, string> write) =>
        _session.Sink.SendAsync(type, (Stream: this, Value: value, Write: write), static (w, s) => s.Write(w, s.Stream, s.Value), _aborted);

    private void WriteIds(Utf8JsonWriter w, bool item)
    {
        w.WriteString("response_id"u8, _response.Id);
        if (item)
        {
            w.WriteString("item_id"u8, Item.Id);
        }

        w.WriteNumber("output_index"u8, OutputIndex);
    }

    private void WriteContentIds(Utf8JsonWriter w)
    {
        WriteIds(w, item: true);
        w.WriteNumber("content_index"u8, ContentIndex);
    }

    private void WriteItem(Utf8JsonWriter w)
    {
        lock (_session.Sync)
        {
            RealtimeJson.WriteItem(w, "item"u8, Item, _names);
        }
    }

    /// <summary>A content part in <c>response.content_part.*</c>: <c>{"type":"text","text"}</c> or <c>{"type":"audio","transcript"}</c> in both dialects.</summary>
    private void WritePart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject("part"u8);
        if (_plan.Audio)
        {
            w.WriteString("type"u8, "audio"u8);
            w.WriteString("transcript"u8, text);
        }
        else
        {
            w.WriteString("type"u8, "text"u8);
            w.WriteString("text"u8, text);
        }

        w.WriteEndObject();
    }
}
