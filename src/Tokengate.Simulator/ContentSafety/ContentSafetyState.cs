using System.Text.Json;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Limits;

namespace Tokengate.Simulator.ContentSafety;

/// <summary>
/// The simulated Content Safety resource: its settings (swapped in whole), its 10-second request window, the faults
/// still armed and its counters. Thread-safe.
/// </summary>
internal sealed class ContentSafetyState
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly SlidingWindow _window = new(Window);
    private SimulatedContentSafetyOptions _options;
    private int _failNext;
    private int _failStatus = 500;
    private int? _failRetryAfterMs;
    private int _resetNext;
    private long _received;
    private long _succeeded;
    private long _unauthorized;
    private long _rejected;
    private long _throttled;
    private long _failed;
    private long _userPrompts;
    private long _documents;
    private long _attacks;

    public ContentSafetyState(SimulatedContentSafetyOptions options)
    {
        _options = new SimulatedContentSafetyOptions();
        Update(_ => Clone(options));
    }

    /// <summary>The settings in force; never changed in place.</summary>
    public SimulatedContentSafetyOptions Options => Volatile.Read(ref _options);

    /// <summary>Null when the settings are valid, else why not.</summary>
    public static string? Validate(SimulatedContentSafetyOptions o)
    {
        if (o.RequestsPer10Seconds < 1) return "ContentSafety RequestsPer10Seconds must be at least 1.";
        if (o.LatencyMs < 0) return "ContentSafety LatencyMs must not be negative.";
        if (o.FailNextCount < 0 || o.ResetNextCount < 0) return "ContentSafety FailNextCount and ResetNextCount must not be negative.";
        if (o.FailNextStatusCode is < 400 or > 599) return "ContentSafety FailNextStatusCode must be between 400 and 599.";
        if (o.FailNextRetryAfterMs is < 0) return "ContentSafety FailNextRetryAfterMs must not be negative.";
        return null;
    }

    public static SimulatedContentSafetyOptions Clone(SimulatedContentSafetyOptions options) =>
        JsonSerializer.Deserialize<SimulatedContentSafetyOptions>(JsonSerializer.SerializeToUtf8Bytes(options, SimulatorJson.Options), SimulatorJson.Options)!;

    /// <summary>
    /// Applies <paramref name="update"/> to a copy of the settings, validates it, arms its commands and swaps it in.
    /// </summary>
    /// <exception cref="ArgumentException">The result is invalid; nothing changed.</exception>
    public void Update(Func<SimulatedContentSafetyOptions, SimulatedContentSafetyOptions> update)
    {
        lock (_gate)
        {
            var next = update(Clone(Options)) ?? throw new ArgumentException("The ContentSafety settings must not be null.");
            if (Validate(next) is { } error) throw new ArgumentException(error);
            if (next.FailNextCount > 0)
            {
                _failStatus = next.FailNextStatusCode;
                _failRetryAfterMs = next.FailNextRetryAfterMs;
                Volatile.Write(ref _failNext, next.FailNextCount);
            }

            if (next.ResetNextCount > 0) Volatile.Write(ref _resetNext, next.ResetNextCount);
            next.FailNextCount = 0;
            next.ResetNextCount = 0;
            Volatile.Write(ref _options, next);
        }
    }

    /// <summary>Clears the window, the armed faults, the latency and the counters; the rate stays.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _window.Clear();
            _failNext = 0;
            _resetNext = 0;
            var next = Clone(Options);
            next.LatencyMs = 0;
            Volatile.Write(ref _options, next);
            _received = _succeeded = _unauthorized = _rejected = _throttled = _failed = _userPrompts = _documents = _attacks = 0;
        }
    }

    /// <summary>Zero when the call fits in the window now (and is counted), else how long until it would.</summary>
    public TimeSpan TryAdmit(long nowTicks)
    {
        lock (_gate)
        {
            var wait = _window.TimeUntilFits(nowTicks, 1, Options.RequestsPer10Seconds);
            if (wait == TimeSpan.Zero) _window.Add(nowTicks, 1);
            return wait;
        }
    }

    public bool TryTakeReset() => TryConsume(ref _resetNext);

    /// <summary>The status (and retry delay) of an armed failure, if one is armed.</summary>
    public bool TryTakeFailure(out int status, out int? retryAfterMs)
    {
        lock (_gate)
        {
            status = _failStatus;
            retryAfterMs = _failRetryAfterMs;
        }

        return TryConsume(ref _failNext);
    }

    public void CountReceived() => Interlocked.Increment(ref _received);

    public void CountUnauthorized() => Interlocked.Increment(ref _unauthorized);

    public void CountRejected() => Interlocked.Increment(ref _rejected);

    public void CountThrottled() => Interlocked.Increment(ref _throttled);

    public void CountFailed() => Interlocked.Increment(ref _failed);

    public void CountSucceeded(int userPrompts, int documents, int attacks)
    {
        Interlocked.Increment(ref _succeeded);
        Interlocked.Add(ref _userPrompts, userPrompts);
        Interlocked.Add(ref _documents, documents);
        Interlocked.Add(ref _attacks, attacks);
    }

    public SimulatedContentSafetyStats Stats(long nowTicks)
    {
        long inWindow;
        lock (_gate)
        {
            inWindow = _window.Used(nowTicks);
        }

        return new SimulatedContentSafetyStats
        {
            RequestsReceived = Interlocked.Read(ref _received),
            Succeeded = Interlocked.Read(ref _succeeded),
            Unauthorized = Interlocked.Read(ref _unauthorized),
            Rejected = Interlocked.Read(ref _rejected),
            Throttled = Interlocked.Read(ref _throttled),
            Failed = Interlocked.Read(ref _failed),
            UserPromptsAnalyzed = Interlocked.Read(ref _userPrompts),
            DocumentsAnalyzed = Interlocked.Read(ref _documents),
            AttacksDetected = Interlocked.Read(ref _attacks),
            RequestsInWindow = inWindow,
            PendingFailures = Volatile.Read(ref _failNext),
            PendingResets = Volatile.Read(ref _resetNext),
            Options = Clone(Options),
        };
    }

    private static bool TryConsume(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current) return true;
        }
    }
}
