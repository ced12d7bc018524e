namespace Tokengate.Simulator.Batches;

/// <summary>
/// One batch and its timeline on the simulator's clock: <c>validating</c> → <c>in_progress</c> (line i of n answered
/// at i/n of the run) → <c>finalizing</c> → <c>completed</c>; or <c>failed</c> (validation errors),
/// <c>cancelling</c> → <c>cancelled</c>, or <c>expired</c> when the run outlasts the completion window. What a
/// client sees follows from the schedule and the clock, and a timer moves the batch on (and writes its files) even
/// when nobody polls, so a fake clock drives it exactly.
/// </summary>
internal sealed class BatchJob : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Func<BatchJob, IReadOnlyList<BatchLine>, (string? Output, string? Error)> _writeFiles;
    private ITimer? _timer;
    private int _frozenDone = -1;

    /// <param name="id">The batch id.</param>
    /// <param name="spec">What it was created with.</param>
    /// <param name="createdTicks">Creation time.</param>
    /// <param name="time">The simulator's clock.</param>
    /// <param name="writeFiles">Runs once when the batch ends with lines answered, under its lock: writes the output and error files of those lines and returns their ids.</param>
    /// <param name="admissionError">Why the resource refuses a valid input (the enqueued-token quota): the batch fails with it when validation ends.</param>
    public BatchJob(string id, BatchSpec spec, long createdTicks, TimeProvider time, Func<BatchJob, IReadOnlyList<BatchLine>, (string? Output, string? Error)> writeFiles, BatchLineError? admissionError = null)
    {
        Id = id;
        Spec = spec;
        Errors = admissionError is { } refused && spec.Input.Errors.Count == 0 ? [refused] : spec.Input.Errors;
        CreatedTicks = createdTicks;
        _time = time;
        _writeFiles = writeFiles;
        Status = BatchStatus.Validating;
        lock (_lock)
        {
            Schedule(createdTicks);
        }
    }

    public string Id { get; }

    public BatchSpec Spec { get; }

    public long CreatedTicks { get; }

    public BatchStatus Status { get; private set; }

    public long ExpiresTicks => CreatedTicks + Spec.Window.Ticks;

    public long? InProgressTicks { get; private set; }

    public long? FinalizingTicks { get; private set; }

    public long? CompletedTicks { get; private set; }

    public long? FailedTicks { get; private set; }

    public long? ExpiredTicks { get; private set; }

    public long? CancellingTicks { get; private set; }

    public long? CancelledTicks { get; private set; }

    public string? OutputFileId { get; private set; }

    public string? ErrorFileId { get; private set; }

    /// <summary>Why the batch fails at the end of validation: the input's errors, or the quota's; empty when it runs.</summary>
    public IReadOnlyList<BatchLineError> Errors { get; }

    /// <summary>Whether the batch holds its input tokens of its deployment's enqueued-token quota now (read inside <see cref="Observe{T}"/>).</summary>
    public bool IsEnqueued => Errors.Count == 0 && Status is BatchStatus.Validating or BatchStatus.InProgress or BatchStatus.Finalizing;

    public bool IsTerminal => Status is BatchStatus.Completed or BatchStatus.Failed or BatchStatus.Cancelled or BatchStatus.Expired;

    /// <summary>Brings the batch up to <paramref name="nowTicks"/> and hands a consistent view to <paramref name="read"/>.</summary>
    public T Observe<T>(long nowTicks, Func<BatchJob, T> read)
    {
        lock (_lock)
        {
            CatchUp(nowTicks);
            return read(this);
        }
    }

    /// <summary>The lines answered by <paramref name="nowTicks"/> (read inside <see cref="Observe{T}"/>).</summary>
    public IReadOnlyList<BatchLine> DoneLines(long nowTicks)
    {
        var lines = Spec.Input.Lines;
        var count = Status switch
        {
            BatchStatus.InProgress => DoneBy(nowTicks),
            BatchStatus.Finalizing or BatchStatus.Completed => lines.Count,
            BatchStatus.Cancelling or BatchStatus.Cancelled or BatchStatus.Expired => Math.Max(0, _frozenDone),
            _ => 0,
        };
        return [.. lines.Take(count)];
    }

    /// <summary>Cancels a batch that is validating or in progress; false (with the status) when it is past that.</summary>
    public bool TryCancel(long nowTicks, out BatchStatus status)
    {
        lock (_lock)
        {
            CatchUp(nowTicks);
            if (Status is BatchStatus.Validating or BatchStatus.InProgress)
            {
                _frozenDone = Status == BatchStatus.InProgress ? DoneBy(nowTicks) : 0;
                Status = BatchStatus.Cancelling;
                CancellingTicks = nowTicks;
                Schedule(nowTicks);
            }

            status = Status;
            return Status is BatchStatus.Cancelling or BatchStatus.Cancelled;
        }
    }

    /// <summary>Control: ends the current step now, whatever its duration. Returns the status reached.</summary>
    public BatchStatus Advance(long nowTicks)
    {
        lock (_lock)
        {
            CatchUp(nowTicks);
            switch (Status)
            {
                case BatchStatus.Validating:
                    MoveOnFromValidating(nowTicks);
                    break;
                case BatchStatus.InProgress:
                    ToFinalizing(nowTicks);
                    break;
                case BatchStatus.Finalizing:
                    Complete(nowTicks);
                    break;
                case BatchStatus.Cancelling:
                    End(nowTicks, BatchStatus.Cancelled);
                    break;
            }

            Schedule(nowTicks);
            return Status;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private long InProgressEnd => InProgressTicks!.Value + Spec.InProgress.Ticks;

    /// <summary>Lines answered by <paramref name="at"/>: line i (0-based) of n is done at (i+1)/n of the run.</summary>
    private int DoneBy(long at)
    {
        var n = Spec.Input.Lines.Count;
        if (InProgressTicks is not long start || at < start || n == 0)
        {
            return 0;
        }

        var run = Spec.InProgress.Ticks;
        if (run == 0 || at >= start + run)
        {
            return n;
        }

        // Largest k with start + run*k/n <= at.
        return (int)Math.Min(n, (at - start) * n / run);
    }

    private void CatchUp(long nowTicks)
    {
        while (CatchUpOnce(nowTicks))
        {
        }
    }

    private bool CatchUpOnce(long nowTicks)
    {
        switch (Status)
        {
            case BatchStatus.Validating:
            {
                var due = CreatedTicks + Spec.Validating.Ticks;
                if (due > nowTicks)
                {
                    return false;
                }

                MoveOnFromValidating(due);
                return true;
            }

            case BatchStatus.InProgress:
            {
                var end = InProgressEnd;
                if (ExpiresTicks < end && ExpiresTicks <= nowTicks)
                {
                    _frozenDone = DoneBy(ExpiresTicks);
                    End(ExpiresTicks, BatchStatus.Expired);
                    return false;
                }

                if (end > nowTicks)
                {
                    return false;
                }

                ToFinalizing(end);
                return true;
            }

            case BatchStatus.Finalizing:
            {
                var due = FinalizingTicks!.Value + Spec.Finalizing.Ticks;
                if (due > nowTicks)
                {
                    return false;
                }

                Complete(due);
                return false;
            }

            case BatchStatus.Cancelling:
            {
                var due = CancellingTicks!.Value + Spec.Finalizing.Ticks;
                if (due > nowTicks)
                {
                    return false;
                }

                End(due, BatchStatus.Cancelled);
                return false;
            }

            default:
                return false;
        }
    }

    private void MoveOnFromValidating(long at)
    {
        if (Errors.Count > 0)
        {
            Status = BatchStatus.Failed;
            FailedTicks = at;
            return;
        }

        Status = BatchStatus.InProgress;
        InProgressTicks = at;
    }

    private void ToFinalizing(long at)
    {
        Status = BatchStatus.Finalizing;
        FinalizingTicks = at;
    }

    private void Complete(long at)
    {
        Status = BatchStatus.Completed;
        CompletedTicks = at;
        WriteFiles(Spec.Input.Lines);
    }

    private void End(long at, BatchStatus status)
    {
        Status = status;
        if (status == BatchStatus.Cancelled)
        {
            CancelledTicks = at;
        }
        else
        {
            ExpiredTicks = at;
        }

        WriteFiles([.. Spec.Input.Lines.Take(Math.Max(0, _frozenDone))]);
    }

    private void WriteFiles(IReadOnlyList<BatchLine> lines)
    {
        if (lines.Count > 0)
        {
            (OutputFileId, ErrorFileId) = _writeFiles(this, lines);
        }
    }

    /// <summary>Arms the timer for the next due step, so the batch moves on (and writes its files) without a poll.</summary>
    private void Schedule(long nowTicks)
    {
        CatchUp(nowTicks);
        long? due = Status switch
        {
            BatchStatus.Validating => CreatedTicks + Spec.Validating.Ticks,
            BatchStatus.InProgress => Math.Min(InProgressEnd, ExpiresTicks),
            BatchStatus.Finalizing => FinalizingTicks!.Value + Spec.Finalizing.Ticks,
            BatchStatus.Cancelling => CancellingTicks!.Value + Spec.Finalizing.Ticks,
            _ => null,
        };

        if (due is not long at)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        var delay = TimeSpan.FromTicks(Math.Max(0, at - nowTicks));
        if (_timer is null)
        {
            _timer = _time.CreateTimer(static state => ((BatchJob)state!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            Schedule(_time.GetUtcNow().UtcTicks);
        }
    }
}
