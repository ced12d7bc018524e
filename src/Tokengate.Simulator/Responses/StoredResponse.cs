using System.Text.Json;
using Tokengate.Simulator.Generation;

namespace Tokengate.Simulator.Responses;

/// <summary>
/// One Responses API response and its timeline. The whole answer is generated at creation; what a client sees at a
/// given moment (status, output so far, usage) follows from the schedule and the clock, so polling, streaming and
/// resuming all agree, and a fake clock moves a background response along exactly.
/// </summary>
internal sealed class StoredResponse
{
    private readonly Action<int, bool> _settle;
    private readonly CancellationTokenSource _cancelled = new();
    private readonly Lock _lock = new();
    private readonly long[] _pieceDue;
    private long _cancelledAt;
    private int _settled;
    private ITimer? _finishTimer;

    // settle records usage once: the output tokens produced, and whether the response succeeded.
    public StoredResponse(
        string id,
        long createdTicks,
        string model,
        bool background,
        bool store,
        JsonElement settings,
        IReadOnlyList<InputItem> input,
        GeneratedChoice output,
        bool includeLogprobs,
        int inputTokens,
        int chainTokens,
        long inProgressAt,
        long firstOutputAt,
        long[] pieceDue,
        Action<int, bool> settle)
    {
        Id = id;
        CreatedTicks = createdTicks;
        Model = model;
        Background = background;
        Store = store;
        Settings = settings;
        Input = input;
        Output = output;
        IncludeLogprobs = includeLogprobs;
        InputTokens = inputTokens;
        ChainTokens = chainTokens;
        InProgressAt = inProgressAt;
        FirstOutputAt = firstOutputAt;
        _pieceDue = pieceDue;
        CompleteAt = pieceDue.Length == 0 ? firstOutputAt : pieceDue[^1];
        ItemId = (output.ToolCall is null ? "msg_" : "fc_") + ResponseIds.NewHex();
        _settle = settle;
        Events = BuildEvents();
    }

    public string Id { get; }

    /// <summary>The tier that served it (<see cref="Protocol.ServiceTierRule"/>), reported as <c>service_tier</c>.</summary>
    public string ServiceTier { get; init; } = "default";

    public long CreatedTicks { get; }

    public long CreatedAt => new DateTimeOffset(CreatedTicks, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>The underlying model name and version, as <c>model</c> reports it.</summary>
    public string Model { get; }

    public bool Background { get; }

    public bool Store { get; }

    /// <summary>The request's settings echoed in the response object (instructions, tools, temperature, …).</summary>
    public JsonElement Settings { get; }

    public IReadOnlyList<InputItem> Input { get; }

    public GeneratedChoice Output { get; }

    /// <summary>The id of the one output item (<c>msg_…</c> or <c>fc_…</c>).</summary>
    public string ItemId { get; }

    /// <summary>Whether <c>include</c> asked for <c>message.output_text.logprobs</c>.</summary>
    public bool IncludeLogprobs { get; }

    /// <summary>Input tokens billed, the stored chain of a <c>previous_response_id</c> included.</summary>
    public int InputTokens { get; }

    /// <summary>What a response continuing this one inherits as input: the conversation so far, without instructions.</summary>
    public int ChainTokens { get; }

    public long InProgressAt { get; }

    public long FirstOutputAt { get; }

    public long CompleteAt { get; }

    /// <summary>The stream of this response, in order; the index is the <c>sequence_number</c>.</summary>
    public ResponseEvent[] Events { get; }

    /// <summary>Fires when the response is cancelled, so a stream waiting on it ends at once.</summary>
    public CancellationToken Cancelled => _cancelled.Token;

    /// <summary>
    /// The response as it stands at <paramref name="nowTicks"/>. A background response observed complete settles its
    /// usage here if its timer has not yet done so.
    /// </summary>
    public ResponseView Observe(long nowTicks)
    {
        var cancelledAt = Volatile.Read(ref _cancelledAt);
        if (cancelledAt != 0 && nowTicks >= cancelledAt)
        {
            return new ResponseView("cancelled", PiecesAt(cancelledAt), cancelledAt >= FirstOutputAt, true);
        }

        if (nowTicks < InProgressAt)
        {
            return ResponseView.Queued;
        }

        if (nowTicks < CompleteAt)
        {
            return new ResponseView("in_progress", PiecesAt(nowTicks), nowTicks >= FirstOutputAt, false);
        }

        if (Background)
        {
            Finish();
        }

        return FinalView;
    }

    /// <summary>The response once it has run to its end: completed, or incomplete when the output bound cut it.</summary>
    public ResponseView FinalView => new(Output.Truncated ? "incomplete" : "completed", Output.PieceCount, true, true);

    /// <summary>
    /// Cancels a background response that has not finished; a finished or already cancelled one stays as it is, so
    /// repeating the call returns the same final object.
    /// </summary>
    public ResponseView Cancel(long nowTicks)
    {
        TryMarkCancelled(nowTicks, onlyBeforeCompletion: true);
        return Observe(nowTicks);
    }

    /// <summary>
    /// A synchronous response whose connection dropped (client gone, or an injected cut) before its last event:
    /// the service cancels it, and usage settles as a failure with what was produced.
    /// </summary>
    public void Abandon(long nowTicks) => TryMarkCancelled(nowTicks, onlyBeforeCompletion: false);

    /// <summary>Settles a response that reached its end: full output, success.</summary>
    public void Finish()
    {
        if (Volatile.Read(ref _cancelledAt) == 0)
        {
            TrySettle(Output.TokenCount, succeeded: true);
        }
    }

    /// <summary>Background: settles usage when the response completes, even if nobody polls it.</summary>
    public void ArmFinish(TimeProvider time, long nowTicks)
    {
        var due = TimeSpan.FromTicks(Math.Max(0, CompleteAt - nowTicks));
        var timer = time.CreateTimer(static state => ((StoredResponse)state!).Finish(), this, due, Timeout.InfiniteTimeSpan);
        lock (_lock)
        {
            if (Volatile.Read(ref _settled) == 0)
            {
                _finishTimer = timer;
                return;
            }
        }

        timer.Dispose();
    }

    /// <summary>Output tokens produced by the time <paramref name="pieces"/> pieces exist.</summary>
    public int OutputTokensAt(int pieces) =>
        pieces >= Output.PieceCount ? Output.TokenCount : Math.Min(pieces, Output.TokenCount);

    /// <summary>
    /// Whether a cancellation came before <paramref name="ticks"/>: events due later never happen. An event due at
    /// the very moment of the cancel happened, as the output of the cancelled response shows.
    /// </summary>
    public bool IsCancelledBy(long ticks)
    {
        var cancelledAt = Volatile.Read(ref _cancelledAt);
        return cancelledAt != 0 && cancelledAt < ticks;
    }

    private bool TryMarkCancelled(long nowTicks, bool onlyBeforeCompletion)
    {
        lock (_lock)
        {
            if (_cancelledAt != 0 || Volatile.Read(ref _settled) != 0 || (onlyBeforeCompletion && nowTicks >= CompleteAt))
            {
                return false;
            }

            // Tick 0 marks "not cancelled"; no real clock reads it.
            _cancelledAt = Math.Max(1, nowTicks);
        }

        TrySettle(OutputTokensAt(PiecesAt(nowTicks)), succeeded: false);
        _cancelled.Cancel();
        return true;
    }

    private void TrySettle(int outputTokens, bool succeeded)
    {
        ITimer? timer;
        lock (_lock)
        {
            if (_settled != 0)
            {
                return;
            }

            _settled = 1;
            timer = _finishTimer;
            _finishTimer = null;
        }

        timer?.Dispose();
        _settle(outputTokens, succeeded);
    }

    /// <summary>Pieces due by <paramref name="ticks"/>.</summary>
    private int PiecesAt(long ticks)
    {
        if (ticks < FirstOutputAt)
        {
            return 0;
        }

        int lo = 0, hi = _pieceDue.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_pieceDue[mid] <= ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private ResponseEvent[] BuildEvents()
    {
        var text = Output.ToolCall is null;
        var events = new List<ResponseEvent>(Output.PieceCount + 10)
        {
            new(ResponseEventKind.Created, 0, CreatedTicks),
        };
        if (Background)
        {
            events.Add(new(ResponseEventKind.Queued, 0, CreatedTicks));
        }

        events.Add(new(ResponseEventKind.InProgress, 0, InProgressAt));
        events.Add(new(ResponseEventKind.OutputItemAdded, 0, FirstOutputAt));
        if (text)
        {
            events.Add(new(ResponseEventKind.ContentPartAdded, 0, FirstOutputAt));
        }

        for (var i = 0; i < _pieceDue.Length; i++)
        {
            events.Add(new(ResponseEventKind.Delta, i, _pieceDue[i]));
        }

        events.Add(new(ResponseEventKind.DeltasDone, 0, CompleteAt));
        if (text)
        {
            events.Add(new(ResponseEventKind.ContentPartDone, 0, CompleteAt));
        }

        events.Add(new(ResponseEventKind.OutputItemDone, 0, CompleteAt));
        events.Add(new(ResponseEventKind.Terminal, 0, CompleteAt));
        return [.. events];
    }
}
