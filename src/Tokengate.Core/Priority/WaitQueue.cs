using System.Collections.Concurrent;
using Tokengate.Telemetry;

namespace Tokengate.Priority;

/// <summary>
/// Where requests of a class that may wait (<see cref="PriorityClass.MaxWait"/> above zero) wait for a backend with
/// room for their class, or for their consumer's rate-limit window, instead of being refused. One
/// <see cref="WaitLane"/> per pool: fair between consumers, first come first served within one, bounded per consumer.
/// </summary>
/// <remarks>
/// A waiter holds nothing of its own in the queue: it retries (its caller's delegate: a backend selection or a
/// rate-limit reservation) when woken, and leaves at once when it succeeds, its deadline passes or its client goes
/// away. Wakes come from whatever may have freed capacity (a backend answered, a request settled and released its
/// reservation, a waiter was served) and from a tick every <see cref="TickInterval"/> on the injected clock, so
/// capacity freed elsewhere (another instance of a fleet, a utilization reading going stale, a rate-limit window
/// moving on) is noticed too. When nobody waits, a wake costs one read.
/// </remarks>
internal sealed class WaitQueue : IDisposable
{
    /// <summary>How often every waiter retries even when nothing woke it.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, WaitLane> _lanes = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly GatewayMetrics? _metrics;
    private readonly ITimer _tick;
    private int _waiting;

    public WaitQueue(TimeProvider time, GatewayMetrics? metrics = null)
    {
        _time = time;
        _metrics = metrics;
        _tick = time.CreateTimer(static state => ((WaitQueue)state!).WakeAll(), this, TickInterval, TickInterval);
    }

    /// <summary>Requests waiting now, in every pool.</summary>
    public int Count => Volatile.Read(ref _waiting);

    /// <summary>
    /// Waits in <paramref name="pool"/>'s lane until <paramref name="retry"/> succeeds when woken (served), the
    /// deadline passes, or <paramref name="aborted"/> is cancelled (the client left). A consumer already at its
    /// class's bound is not queued (<see cref="WaitOutcome.Full"/>).
    /// </summary>
    public async ValueTask<WaitOutcome> WaitAsync(string pool, PriorityClass priority, string consumer, DateTimeOffset deadline,
        Func<ValueTask<bool>> retry, CancellationToken aborted)
    {
        if (aborted.IsCancellationRequested) return WaitOutcome.Abandoned;
        var remaining = deadline - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero) return WaitOutcome.TimedOut;
        var lane = _lanes.GetOrAdd(pool, static _ => new WaitLane());
        if (lane.TryAdd(consumer, priority.Name, priority.MaxQueuedPerConsumer) is not { } waiter) return WaitOutcome.Full;

        Interlocked.Increment(ref _waiting);
        var started = _time.GetTimestamp();
        var outcome = WaitOutcome.TimedOut;
        try
        {
            using var timeout = new CancellationTokenSource(remaining, _time);
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
            try
            {
                while (true)
                {
                    await waiter.Signal.WaitAsync(ended.Token).ConfigureAwait(false);
                    waiter.Rearm();
                    if (await retry().ConfigureAwait(false))
                    {
                        outcome = WaitOutcome.Served;
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (ended.IsCancellationRequested)
            {
                outcome = aborted.IsCancellationRequested ? WaitOutcome.Abandoned : WaitOutcome.TimedOut;
            }
        }
        finally
        {
            lane.Remove(waiter);
            Interlocked.Decrement(ref _waiting);
            _metrics?.QueueWaited(priority.Name, outcome, _time.GetElapsedTime(started));
        }
        // Whatever let this one run may have room for the next.
        if (outcome == WaitOutcome.Served) lane.Wake();
        return outcome;
    }

    /// <summary>Capacity of <paramref name="pool"/> may have freed: each consumer's first waiter there retries.</summary>
    public void Wake(string pool)
    {
        if (Volatile.Read(ref _waiting) == 0) return;
        if (_lanes.TryGetValue(pool, out var lane)) lane.Wake();
    }

    /// <summary>Capacity may have freed anywhere (a reservation released, the tick): each consumer's first waiter in every pool retries.</summary>
    public void WakeAll()
    {
        if (Volatile.Read(ref _waiting) == 0) return;
        foreach (var lane in _lanes.Values) lane.Wake();
    }

    /// <summary>Waiters now by pool and class, for the <c>tokengate.queue.depth</c> gauge and the dashboard.</summary>
    public IEnumerable<(string Pool, string Priority, int Depth)> Depths()
    {
        var classes = new List<KeyValuePair<string, int>>();
        foreach (var (pool, lane) in _lanes)
        {
            classes.Clear();
            lane.Depths(classes);
            foreach (var (priority, depth) in classes) yield return (pool, priority, depth);
        }
    }

    public void Dispose() => _tick.Dispose();
}
