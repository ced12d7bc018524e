using Tokengate.Simulator.Limits;
using Tokengate.Simulator.Media;

namespace Tokengate.Simulator.Deployments;

/// <summary>Runtime state of one simulated deployment: current settings, limiter, armed faults and counters.</summary>
internal sealed class DeploymentState
{
    private readonly Lock _updateLock = new();
    private volatile DeploymentSnapshot _snapshot;
    private long _received;
    private long _succeeded;
    private long _throttled;
    private long _failed;
    private long _promptTokens;
    private long _completionTokens;
    private long _inputTextTokens;
    private long _inputAudioTokens;
    private long _inputImageTokens;
    private long _outputTextTokens;
    private long _outputAudioTokens;
    private long _outputImageTokens;
    private long _images;
    private long _audioSecondsBits;
    private long _characters;
    private int _failNext;
    private int _resetNext;
    private int _cutNext;

    public DeploymentState(string name, SimulatedDeploymentOptions options, long nowTicks)
    {
        Name = name;
        _snapshot = Arm(SimulatorJson.Clone(options), nowTicks);
    }

    public string Name { get; }

    public DeploymentSnapshot Snapshot => _snapshot;

    public StandardRateLimiter Limiter { get; } = new();

    public UtilizationBucket Bucket { get; } = new();

    /// <summary>Applies a change to a copy of the current settings and swaps it in; throws when the result is invalid.</summary>
    public void Update(Action<SimulatedDeploymentOptions> update, long nowTicks) =>
        Update(current =>
        {
            update(current);
            return current;
        }, nowTicks);

    /// <summary>Replaces the settings with what <paramref name="transform"/> builds from a copy of the current ones.</summary>
    public void Update(Func<SimulatedDeploymentOptions, SimulatedDeploymentOptions> transform, long nowTicks)
    {
        lock (_updateLock)
        {
            _snapshot = Arm(transform(SimulatorJson.Clone(_snapshot.Options)), nowTicks);
        }
    }

    public bool TryConsumeFailure() => TryConsume(ref _failNext);

    public bool TryConsumeReset() => TryConsume(ref _resetNext);

    public bool TryConsumeStreamCut() => TryConsume(ref _cutNext);

    public void RecordReceived() => Interlocked.Increment(ref _received);

    public void RecordThrottled() => Interlocked.Increment(ref _throttled);

    public void RecordFailed() => Interlocked.Increment(ref _failed);

    public void RecordSucceeded(int promptTokens, int completionTokens) => RecordSucceeded(BilledUsage.Text(promptTokens, completionTokens));

    /// <summary>Counts a succeeded request and what it billed, modality by modality; the prompt and completion totals add all of them.</summary>
    public void RecordSucceeded(in BilledUsage usage)
    {
        Interlocked.Increment(ref _succeeded);
        Interlocked.Add(ref _promptTokens, usage.InputTokens);
        Interlocked.Add(ref _completionTokens, usage.OutputTokens);
        Interlocked.Add(ref _inputTextTokens, usage.InputTextTokens);
        Interlocked.Add(ref _inputAudioTokens, usage.InputAudioTokens);
        Interlocked.Add(ref _inputImageTokens, usage.InputImageTokens);
        Interlocked.Add(ref _outputTextTokens, usage.OutputTextTokens);
        Interlocked.Add(ref _outputAudioTokens, usage.OutputAudioTokens);
        Interlocked.Add(ref _outputImageTokens, usage.OutputImageTokens);
        Interlocked.Add(ref _images, usage.Images);
        Interlocked.Add(ref _characters, usage.Characters);
        if (usage.AudioSeconds != 0)
        {
            AddDouble(ref _audioSecondsBits, usage.AudioSeconds);
        }
    }

    /// <summary>
    /// Back to a quiet deployment: every fault off (armed commands and standing rates and delays alike; the other
    /// settings stay), windows and bucket empty, counters at zero.
    /// </summary>
    public void Reset(long nowTicks)
    {
        Update(current =>
        {
            current.Faults = new SimulatedFaultOptions();
            return current;
        }, nowTicks);
        Limiter.Reset();
        Bucket.Reset();
        Interlocked.Exchange(ref _failNext, 0);
        Interlocked.Exchange(ref _resetNext, 0);
        Interlocked.Exchange(ref _cutNext, 0);
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _succeeded, 0);
        Interlocked.Exchange(ref _throttled, 0);
        Interlocked.Exchange(ref _failed, 0);
        Interlocked.Exchange(ref _promptTokens, 0);
        Interlocked.Exchange(ref _completionTokens, 0);
        Interlocked.Exchange(ref _inputTextTokens, 0);
        Interlocked.Exchange(ref _inputAudioTokens, 0);
        Interlocked.Exchange(ref _inputImageTokens, 0);
        Interlocked.Exchange(ref _outputTextTokens, 0);
        Interlocked.Exchange(ref _outputAudioTokens, 0);
        Interlocked.Exchange(ref _outputImageTokens, 0);
        Interlocked.Exchange(ref _images, 0);
        Interlocked.Exchange(ref _audioSecondsBits, 0);
        Interlocked.Exchange(ref _characters, 0);
    }

    public SimulatedDeploymentStats Stats(long nowTicks)
    {
        var snapshot = _snapshot;
        double utilization;
        int? remainingRequests = null;
        int? remainingTokens = null;
        DateTimeOffset? throttledUntil = null;
        if (snapshot.IsProvisioned)
        {
            utilization = Bucket.UtilizationPercent(nowTicks, snapshot.CapacityPerMinute);
        }
        else
        {
            var peek = Limiter.Peek(nowTicks, snapshot.Options, snapshot.Model.LimitsRequestsPerMinute);
            (remainingRequests, remainingTokens, utilization) = peek;
            var until = Limiter.ForcedUntilTicks;
            throttledUntil = until > nowTicks ? new DateTimeOffset(until, TimeSpan.Zero) : null;
        }

        return new SimulatedDeploymentStats
        {
            Deployment = Name,
            RequestsReceived = Interlocked.Read(ref _received),
            Succeeded = Interlocked.Read(ref _succeeded),
            Throttled = Interlocked.Read(ref _throttled),
            Failed = Interlocked.Read(ref _failed),
            PromptTokens = Interlocked.Read(ref _promptTokens),
            CompletionTokens = Interlocked.Read(ref _completionTokens),
            InputTextTokens = Interlocked.Read(ref _inputTextTokens),
            InputAudioTokens = Interlocked.Read(ref _inputAudioTokens),
            InputImageTokens = Interlocked.Read(ref _inputImageTokens),
            OutputTextTokens = Interlocked.Read(ref _outputTextTokens),
            OutputAudioTokens = Interlocked.Read(ref _outputAudioTokens),
            OutputImageTokens = Interlocked.Read(ref _outputImageTokens),
            Images = Interlocked.Read(ref _images),
            AudioSeconds = BitConverter.Int64BitsToDouble(Interlocked.Read(ref _audioSecondsBits)),
            Characters = Interlocked.Read(ref _characters),
            UtilizationPercent = Math.Round(utilization, 3),
            RemainingRequests = remainingRequests,
            RemainingTokens = remainingTokens,
            PendingFailures = Volatile.Read(ref _failNext),
            PendingResets = Volatile.Read(ref _resetNext),
            PendingStreamCuts = Volatile.Read(ref _cutNext),
            ThrottledUntil = throttledUntil,
        };
    }

    /// <summary>Validates, moves the one-shot commands into live state, and returns the snapshot to publish.</summary>
    private DeploymentSnapshot Arm(SimulatedDeploymentOptions options, long nowTicks)
    {
        options.Faults.ErrorRates ??= [];
        options.Faults.ErrorsOnContent ??= [];
        if (DeploymentOptionsValidator.Validate(options) is { } error)
        {
            throw new ArgumentException($"Deployment '{Name}': {error}");
        }

        var snapshot = new DeploymentSnapshot(options, ModelInfo.For(options.Model));
        var faults = options.Faults;
        if (faults.FailNextCount > 0)
        {
            Interlocked.Exchange(ref _failNext, faults.FailNextCount);
        }

        if (faults.ResetNextCount > 0)
        {
            Interlocked.Exchange(ref _resetNext, faults.ResetNextCount);
        }

        if (faults.MidStreamCutNextCount > 0)
        {
            Interlocked.Exchange(ref _cutNext, faults.MidStreamCutNextCount);
        }

        if (faults.ForceUtilizationPercent is double percent)
        {
            Bucket.Force(nowTicks, percent, snapshot.CapacityPerMinute);
        }

        if (faults.ThrottleForMs > 0)
        {
            Limiter.ForceThrottle(
                nowTicks + TimeSpan.FromMilliseconds(faults.ThrottleForMs).Ticks,
                faults.ThrottleRetryAfterMs is int retry ? TimeSpan.FromMilliseconds(retry) : null);
        }

        faults.FailNextCount = 0;
        faults.ResetNextCount = 0;
        faults.MidStreamCutNextCount = 0;
        faults.ForceUtilizationPercent = null;
        faults.ThrottleForMs = 0;
        return snapshot;
    }

    /// <summary>Adds to a double kept as its bits, retrying until no other thread changed it in between.</summary>
    private static void AddDouble(ref long bits, double value)
    {
        while (true)
        {
            var current = Interlocked.Read(ref bits);
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + value);
            if (Interlocked.CompareExchange(ref bits, next, current) == current)
            {
                return;
            }
        }
    }

    private static bool TryConsume(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
