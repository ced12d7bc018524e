using System.Globalization;
using Tokengate.Simulator.Files;

namespace Tokengate.Simulator.FineTuning;

/// <summary>
/// One fine-tuning job and its timeline on the simulator's clock: <c>validating_files</c> → <c>queued</c> →
/// <c>running</c> (one metrics event per epoch; <c>paused</c> time does not count) → <c>succeeded</c>, or
/// <c>failed</c> / <c>cancelled</c>. What a client sees follows from the schedule and the clock, and a timer moves the
/// job on even when nobody polls, so a fake clock drives it exactly.
/// </summary>
internal sealed class FineTuningJob : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Func<FineTuningJob, long, IReadOnlyList<FineTuningMetrics>, string?> _onSucceeded;
    private readonly List<FineTuningEvent> _events = [];
    private readonly List<FineTuningCheckpoint> _checkpoints = [];
    private readonly string _modelHex;
    private ITimer? _timer;
    private long _phaseStart;
    private long _phaseDoneBefore;
    private int _epochsDone;

    /// <param name="id">The job id.</param>
    /// <param name="spec">What it was created with.</param>
    /// <param name="createdTicks">Creation time.</param>
    /// <param name="time">The simulator's clock.</param>
    /// <param name="onSucceeded">Runs once at success, under the job's lock: creates the results file from the epochs' metrics and returns its id.</param>
    public FineTuningJob(string id, FineTuningJobSpec spec, long createdTicks, TimeProvider time, Func<FineTuningJob, long, IReadOnlyList<FineTuningMetrics>, string?> onSucceeded)
    {
        Id = id;
        Spec = spec;
        CreatedTicks = createdTicks;
        _time = time;
        _onSucceeded = onSucceeded;
        _modelHex = id[(id.IndexOf('-', StringComparison.Ordinal) + 1)..];
        _phaseStart = createdTicks;
        Status = FineTuningStatus.ValidatingFiles;
        AddEvent(createdTicks, "info", $"Validating training file: {spec.TrainingFile}" + (spec.ValidationFile is { } v ? $" and validation file: {v}" : string.Empty));
        lock (_lock)
        {
            Schedule(createdTicks);
        }
    }

    public string Id { get; }

    public FineTuningJobSpec Spec { get; }

    public long CreatedTicks { get; }

    public FineTuningStatus Status { get; private set; }

    public long? FinishedTicks { get; private set; }

    public string? FineTunedModel { get; private set; }

    public long? TrainedTokens { get; private set; }

    public (string Code, string Message, string? Param)? Error { get; private set; }

    public string? ResultFile { get; private set; }

    public bool IsTerminal => Status is FineTuningStatus.Succeeded or FineTuningStatus.Failed or FineTuningStatus.Cancelled;

    /// <summary>Steps of one epoch: one per batch.</summary>
    public int StepsPerEpoch => Math.Max(1, (Spec.Training.Examples + Spec.BatchSize - 1) / Spec.BatchSize);

    /// <summary>Brings the job up to <paramref name="nowTicks"/> and hands a consistent view to <paramref name="read"/>.</summary>
    public T Observe<T>(long nowTicks, Func<FineTuningJob, T> read)
    {
        lock (_lock)
        {
            CatchUp(nowTicks);
            return read(this);
        }
    }

    /// <summary>Events newest first.</summary>
    public List<FineTuningEvent> EventsNewestFirst()
    {
        lock (_lock)
        {
            return Enumerable.Reverse(_events).ToList();
        }
    }

    /// <summary>Checkpoints newest first.</summary>
    public List<FineTuningCheckpoint> CheckpointsNewestFirst()
    {
        lock (_lock)
        {
            return Enumerable.Reverse(_checkpoints).ToList();
        }
    }

    /// <summary>The estimated finish in ticks, while the job is not over (read inside <see cref="Observe{T}"/>).</summary>
    public long? EstimatedFinish() =>
        IsTerminal ? null : CreatedTicks + (Spec.ValidatingFiles + Spec.Queued + Spec.Running).Ticks;

    /// <summary>Cancels a job that is not over; false (with the status) when it already succeeded or failed.</summary>
    public bool TryCancel(long nowTicks, out FineTuningStatus status)
    {
        lock (_lock)
        {
            CatchUp(nowTicks);
            if (Status is FineTuningStatus.Succeeded or FineTuningStatus.Failed)
            {
                status = Status;
                return false;
            }

            if (Status != FineTuningStatus.Cancelled)
            {
                Finish(nowTicks, FineTuningStatus.Cancelled);
                AddEvent(nowTicks, "info", "Job cancelled.");
            }

            status = Status;
            return true;
        }
    }

    /// <summary>Pauses a running job (false for any other status); its remaining training time waits for <see cref="TryResume"/>.</summary>
    public bool TryPause(long nowTicks, out FineTuningStatus status)
    {
        lock (_lock)
        {
            CatchUp(nowTicks);
            status = Status;
            if (Status != FineTuningStatus.Running)
            {
                return false;
            }

            _phaseDoneBefore += nowTicks - _phaseStart;
            _phaseStart = nowTicks;
            Status = status = FineTuningStatus.Paused;
            AddEvent(nowTicks, "info", "Job paused.");
            Schedule(nowTicks);
            return true;
        }
    }

    public bool TryResume(long nowTicks, out FineTuningStatus status)
    {
        lock (_lock)
        {
            CatchUp(nowTicks);
            if (Status == FineTuningStatus.Paused)
            {
                _phaseStart = nowTicks;
                Status = FineTuningStatus.Running;
                AddEvent(nowTicks, "info", "Job resumed.");
                Schedule(nowTicks);
                status = Status;
                return true;
            }

            status = Status;
            return false;
        }
    }

    /// <summary>
    /// Control: ends the current step now (validation, the queue, or the whole training run), whatever its duration;
    /// a paused job is resumed first. Returns the status reached.
    /// </summary>
    public FineTuningStatus Advance(long nowTicks)
    {
        lock (_lock)
        {
            CatchUp(nowTicks);
            if (Status == FineTuningStatus.Paused)
            {
                _phaseStart = nowTicks;
                Status = FineTuningStatus.Running;
                AddEvent(nowTicks, "info", "Job resumed.");
            }

            if (!IsTerminal)
            {
                _phaseStart = nowTicks;
                _phaseDoneBefore = PhaseLength(Status).Ticks;
                Schedule(nowTicks);
            }

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

    private TimeSpan PhaseLength(FineTuningStatus status) => status switch
    {
        FineTuningStatus.ValidatingFiles => Spec.ValidatingFiles,
        FineTuningStatus.Queued => Spec.Queued,
        _ => Spec.Running,
    };

    private long PhaseDue(TimeSpan length) => _phaseStart + Math.Max(0, length.Ticks - _phaseDoneBefore);

    private void CatchUp(long nowTicks)
    {
        while (CatchUpOnce(nowTicks))
        {
        }
    }

    /// <summary>Takes the next due step, if it is due by <paramref name="nowTicks"/>; false when nothing moved.</summary>
    private bool CatchUpOnce(long nowTicks)
    {
        switch (Status)
        {
            case FineTuningStatus.ValidatingFiles:
            {
                var due = PhaseDue(Spec.ValidatingFiles);
                if (due > nowTicks)
                {
                    return false;
                }

                if (Spec.Training.Error is { } training)
                {
                    Fail(due, "invalid_training_file", "The job failed due to an invalid training file. " + training, "training_file");
                    return false;
                }

                if (Spec.Validation?.Error is { } validation)
                {
                    Fail(due, "invalid_validation_file", "The job failed due to an invalid validation file. " + validation, "validation_file");
                    return false;
                }

                AddEvent(due, "info", "Training file successfully validated.");
                NextPhase(due, FineTuningStatus.Queued);
                AddEvent(due, "info", "Job enqueued. Waiting for jobs ahead to complete.");
                return true;
            }

            case FineTuningStatus.Queued:
            {
                var due = PhaseDue(Spec.Queued);
                if (due > nowTicks)
                {
                    return false;
                }

                if (Spec.FailInjected)
                {
                    Fail(due, "server_error", "The job failed due to an internal error. Please try again.", null);
                    return false;
                }

                NextPhase(due, FineTuningStatus.Running);
                AddEvent(due, "info", "Fine-tuning job started.");
                return true;
            }

            case FineTuningStatus.Running:
            {
                var epochs = Spec.Epochs;
                var moved = false;
                while (_epochsDone < epochs)
                {
                    var doneAt = Spec.Running.Ticks * (_epochsDone + 1) / epochs;
                    var due = Math.Max(_phaseStart, _phaseStart + doneAt - _phaseDoneBefore);
                    if (due > nowTicks)
                    {
                        return moved;
                    }

                    _epochsDone++;
                    var metrics = MetricsAt(_epochsDone);
                    AddEvent(due, "info", Format($"Step {metrics.Step}/{metrics.TotalSteps}: training loss={metrics.TrainLoss:0.0000}"), metrics);
                    AddEvent(due, "info", Format($"Completed epoch {_epochsDone}/{epochs}."));
                    if (_epochsDone > epochs - 3)
                    {
                        _checkpoints.Add(new FineTuningCheckpoint(FileIds.New("ftchkpt-"), due,
                            Format($"{Spec.Model}.ft-{_modelHex}{SuffixPart}:ckpt-step-{metrics.Step}"), metrics.Step, metrics));
                    }

                    moved = true;
                }

                var finished = Math.Max(_phaseStart, _phaseStart + Spec.Running.Ticks - _phaseDoneBefore);
                FineTunedModel = $"{Spec.Model}.ft-{_modelHex}{SuffixPart}";
                TrainedTokens = Spec.Training.Tokens * epochs;
                ResultFile = _onSucceeded(this, finished, [.. _events.Where(e => e.Metrics is not null).Select(e => e.Metrics!)]);
                AddEvent(finished, "info", "Training tokens billed: " + TrainedTokens.Value.ToString(CultureInfo.InvariantCulture));
                AddEvent(finished, "info", "Model Evaluation Passed.");
                AddEvent(finished, "info", "The job has successfully completed.");
                Finish(finished, FineTuningStatus.Succeeded);
                return false;
            }

            default:
                return false;
        }
    }

    private string SuffixPart => Spec.Suffix is { Length: > 0 } suffix ? "-" + suffix : string.Empty;

    /// <summary>Deterministic, plausible numbers: the loss falls and the accuracy rises epoch by epoch.</summary>
    private FineTuningMetrics MetricsAt(int epoch)
    {
        var jitter = (Math.Abs(Spec.Seed % 1000) / 1000.0 * 0.05) + 0.01;
        var loss = Math.Round((1.8 * Math.Exp(-0.7 * epoch)) + jitter, 4);
        var accuracy = Math.Round(Math.Min(0.99, 1 - (loss / 2.5)), 4);
        double? validLoss = Spec.Validation is null ? null : Math.Round(loss * 1.08, 4);
        double? validAccuracy = Spec.Validation is null ? null : Math.Round(accuracy * 0.97, 4);
        return new FineTuningMetrics(StepsPerEpoch * epoch, StepsPerEpoch * Spec.Epochs, loss, accuracy, validLoss, validAccuracy);
    }

    private void NextPhase(long at, FineTuningStatus status)
    {
        Status = status;
        _phaseStart = at;
        _phaseDoneBefore = 0;
    }

    private void Fail(long at, string code, string message, string? param)
    {
        Error = (code, message, param);
        AddEvent(at, "error", message);
        Finish(at, FineTuningStatus.Failed);
    }

    private void Finish(long at, FineTuningStatus status)
    {
        Status = status;
        FinishedTicks = at;
        _timer?.Dispose();
        _timer = null;
    }

    private void AddEvent(long at, string level, string message, FineTuningMetrics? metrics = null)
    {
        // Steps taken late (a control advance) never date an event before the one already recorded.
        var last = _events.Count > 0 ? _events[^1].CreatedTicks : at;
        _events.Add(new FineTuningEvent(FileIds.New("ftevent-"), Math.Max(at, last), level, message, metrics));
    }

    /// <summary>Arms the timer for the next due step, so the job moves on (and its model deploys) without a poll.</summary>
    private void Schedule(long nowTicks)
    {
        // Whatever is due now happens now: a timer is only ever armed for the future.
        CatchUp(nowTicks);
        long? due = Status switch
        {
            FineTuningStatus.ValidatingFiles => PhaseDue(Spec.ValidatingFiles),
            FineTuningStatus.Queued => PhaseDue(Spec.Queued),
            FineTuningStatus.Running => Math.Max(_phaseStart, _phaseStart + (Spec.Running.Ticks * (_epochsDone + 1) / Spec.Epochs) - _phaseDoneBefore),
            _ => null,
        };

        if (due is not long at)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var delay = TimeSpan.FromTicks(Math.Max(0, at - nowTicks));
        if (_timer is null)
        {
            _timer = _time.CreateTimer(static state => ((FineTuningJob)state!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
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
            if (_timer is null)
            {
                return;
            }

            Schedule(_time.GetUtcNow().UtcTicks);
        }
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
