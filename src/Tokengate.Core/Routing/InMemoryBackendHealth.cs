using System.Collections.Concurrent;
using Tokengate.Configuration;

namespace Tokengate.Routing;

/// <summary>Backend health for a single gateway instance, held in process memory.</summary>
internal sealed class InMemoryBackendHealth : IBackendHealth
{
    private readonly ConcurrentDictionary<string, BackendHealthState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, IBackendAvailability> _limitViews = new();
    private readonly TimeProvider _time;
    private readonly Func<ForwardingOptions> _options;
    private readonly BackendDrainState? _drains;

    /// <param name="time">The clock.</param>
    /// <param name="options">The forwarding options in force.</param>
    /// <param name="drains">The drained backends (none when null): every view but <see cref="Pinned"/> skips them.</param>
    public InMemoryBackendHealth(TimeProvider time, Func<ForwardingOptions> options, BackendDrainState? drains = null)
    {
        _time = time;
        _options = options;
        _drains = drains;
        IgnoringSpillover = new LimitView(this, 0, provisionedOnly: false);
        Pinned = new LimitView(this, 0, provisionedOnly: false, ignoreDrain: true);
    }

    public IBackendAvailability IgnoringSpillover { get; }

    public IBackendAvailability Pinned { get; }

    public bool IsAvailable(Backend backend, Pool pool) => IsAvailable(backend, pool, pool.SpilloverBasisPoints);

    public IBackendAvailability WithUtilizationLimit(long basisPoints, bool provisionedOnly = false) =>
        basisPoints <= 0 && !provisionedOnly ? IgnoringSpillover
        : _limitViews.GetOrAdd(Math.Max(0, basisPoints) * 2 + (provisionedOnly ? 1 : 0), static (key, health) => new LimitView(health, key / 2, (key & 1) == 1), this);

    public BackendQuota Quota(Backend backend)
    {
        var s = State(backend);
        return ReadQuota(s) is { } record ? record.ProjectAt(_time.GetUtcNow()) : BackendQuota.Unknown;
    }

    public bool TryBeginAttempt(Backend backend)
    {
        var s = State(backend);
        var openUntil = Interlocked.Read(ref s.CircuitOpenUntilTicks);
        if (openUntil == 0) return true;
        if (NowTicks < openUntil) return false;
        return Interlocked.CompareExchange(ref s.ProbeInFlight, 1, 0) == 0;
    }

    public void ReportSuccess(Backend backend)
    {
        var s = State(backend);
        if (Interlocked.Read(ref s.CircuitOpenUntilTicks) != 0) CloseCircuit(s);
        s.Window.RecordSuccess(NowTicks, _options().BreakerSamplingDuration);
    }

    public void ReportThrottled(Backend backend, DateTimeOffset until)
    {
        // A 429 proves the backend is alive: it closes a half-open circuit, but is no sample for the failure ratio.
        var s = State(backend);
        if (Interlocked.Read(ref s.CircuitOpenUntilTicks) != 0) CloseCircuit(s);
        Extend(ref s.CoolingUntilTicks, until.UtcTicks);
        Extend(ref s.ThrottledUntilTicks, until.UtcTicks);
    }

    public void ReportFailure(Backend backend, DateTimeOffset? restUntil)
    {
        var s = State(backend);
        var options = _options();
        var now = NowTicks;
        if (restUntil is { } until) Extend(ref s.CoolingUntilTicks, until.UtcTicks);
        s.Window.RecordFailure(now, options.BreakerSamplingDuration);
        var wasProbe = Interlocked.Exchange(ref s.ProbeInFlight, 0) == 1;
        if (wasProbe || Trips(s.Window.Totals(now, options.BreakerSamplingDuration), options))
            Interlocked.Exchange(ref s.CircuitOpenUntilTicks, now + options.BreakerOpenDuration.Ticks);
    }

    public void ReportDisputed(Backend backend)
    {
        var s = State(backend);
        var options = _options();
        var now = NowTicks;
        s.Window.RecordDisputed(now, options.BreakerSamplingDuration);
        Interlocked.Exchange(ref s.ProbeInFlight, 0);
        if (Trips(s.Window.Totals(now, options.BreakerSamplingDuration), options))
            Interlocked.Exchange(ref s.CircuitOpenUntilTicks, now + options.BreakerOpenDuration.Ticks);
    }

    public void ReportAbandoned(Backend backend) => Interlocked.Exchange(ref State(backend).ProbeInFlight, 0);

    public void ReportUtilization(Backend backend, double percent)
    {
        var s = State(backend);
        Interlocked.Exchange(ref s.UtilizationBasisPoints, (long)Math.Round(percent * 100));
        Interlocked.Exchange(ref s.UtilizationAtTicks, NowTicks);
    }

    public void ReportSent(Backend backend, long estimatedTokens)
    {
        var s = State(backend);
        Interlocked.Add(ref s.TokensSent, estimatedTokens);
        Interlocked.Increment(ref s.RequestsSent);
        var minute = CurrentMinute(s, NowTicks);
        Interlocked.Add(ref minute.Tokens, estimatedTokens);
        Interlocked.Increment(ref minute.Requests);
    }

    public void ReportQuota(Backend backend, BackendQuotaReading reading)
    {
        if (reading.IsEmpty) return;
        var s = State(backend);
        var now = NowTicks;
        var version = Volatile.Read(ref s.QuotaVersion);
        // Another response's reading is being written at this very moment: it is as fresh as this one, and stands.
        if ((version & 1) == 1 || Interlocked.CompareExchange(ref s.QuotaVersion, version + 1, version) != version) return;
        // The headers already include this request and everything the backend admitted before it.
        s.QuotaReading = reading;
        s.QuotaReadAtTicks = now;
        s.TokensSentAtReading = Volatile.Read(ref s.TokensSent);
        s.RequestsSentAtReading = Volatile.Read(ref s.RequestsSent);
        Volatile.Write(ref s.QuotaVersion, version + 2);
    }

    public void ReportSettled(Backend backend, long estimatedTokens, long actualTokens)
    {
        var s = State(backend);
        var minute = CurrentMinute(s, NowTicks);
        AddNotBelowZero(ref minute.Tokens, actualTokens - estimatedTokens);
    }

    public PoolRecovery EarliestRecovery(Pool pool) => PoolRecovery.Earliest(pool, Describe, _time.GetUtcNow());

    public BackendHealthRecord Describe(Backend backend)
    {
        var s = State(backend);
        var now = NowTicks;
        var cooling = Interlocked.Read(ref s.CoolingUntilTicks);
        var throttled = Interlocked.Read(ref s.ThrottledUntilTicks);
        var open = Interlocked.Read(ref s.CircuitOpenUntilTicks);
        var window = s.Window.Totals(now, _options().BreakerSamplingDuration);
        var utilization = Interlocked.Read(ref s.UtilizationBasisPoints);
        var record = ReadQuota(s);
        var readAt = record is { } r ? r.ReadAt.UtcTicks : 0;
        var quota = record is { } known ? known.ProjectAt(new DateTimeOffset(now, TimeSpan.Zero)) : BackendQuota.Unknown;
        var tokensPerMinute = SlidingTokensPerMinute(s, now);
        var minute = CurrentMinute(s, now);
        var lastShare = 1 - ((double)(now - minute.StartTicks) / TimeSpan.TicksPerMinute);
        var requestsPerMinute = Volatile.Read(ref minute.Requests) + (long)Math.Round(LastMinute(minute, tokens: false) * lastShare);
        return new BackendHealthRecord(
            cooling > now ? new DateTimeOffset(cooling, TimeSpan.Zero) : null,
            open != 0 ? new DateTimeOffset(open, TimeSpan.Zero) : null,
            throttled > now ? new DateTimeOffset(throttled, TimeSpan.Zero) : null,
            window,
            utilization >= 0 ? utilization / 100.0 : null,
            quota,
            readAt == 0 ? null : new DateTimeOffset(readAt, TimeSpan.Zero),
            tokensPerMinute,
            requestsPerMinute);
    }

    /// <summary>Available now, with a provisioned backend skipped at or above <paramref name="limitBasisPoints"/> (0: never).</summary>
    private bool IsAvailable(Backend backend, Pool pool, long limitBasisPoints, bool ignoreDrain = false)
    {
        if (!ignoreDrain && _drains is not null && _drains.IsDrained(backend)) return false;
        var s = State(backend);
        var now = NowTicks;
        if (now < Interlocked.Read(ref s.CoolingUntilTicks)) return false;

        var openUntil = Interlocked.Read(ref s.CircuitOpenUntilTicks);
        if (openUntil != 0 && (now < openUntil || Volatile.Read(ref s.ProbeInFlight) == 1)) return false;

        return limitBasisPoints <= 0 || backend.Type != BackendType.Provisioned || UtilizationBasisPoints(s, backend, now) < limitBasisPoints;
    }

    /// <summary>
    /// The utilization (percent × 100) a decision uses: the last header reading while it is fresh, and, for a backend
    /// that declares its capacity, the gateway's own per-minute count against it; the higher of the two (a reading
    /// goes stale between responses while the gateway keeps sending). -1 when neither is known.
    /// </summary>
    private long UtilizationBasisPoints(BackendHealthState s, Backend backend, long now)
    {
        var basisPoints = -1L;
        if (now - Interlocked.Read(ref s.UtilizationAtTicks) < _options().UtilizationReadingLifetime.Ticks)
            basisPoints = Interlocked.Read(ref s.UtilizationBasisPoints);
        if (backend.ProvisionedTokensPerMinute is { } capacity)
        {
            var tokens = SlidingTokensPerMinute(s, now);
            basisPoints = Math.Max(basisPoints, tokens * 10_000 / capacity);
        }
        return basisPoints;
    }

    /// <summary>A sliding minute from two fixed ones: the last minute's count weighted by how much of it is still inside.</summary>
    private static long SlidingTokensPerMinute(BackendHealthState s, long now)
    {
        var minute = CurrentMinute(s, now);
        var lastShare = 1 - ((double)(now - minute.StartTicks) / TimeSpan.TicksPerMinute);
        return Volatile.Read(ref minute.Tokens) + (long)Math.Round(LastMinute(minute, tokens: true) * lastShare);
    }

    private static long LastMinute(MinuteCounts minute, bool tokens) =>
        Volatile.Read(ref minute.Previous) is { } previous ? tokens ? Volatile.Read(ref previous.Tokens) : Volatile.Read(ref previous.Requests) : 0;

    /// <summary>
    /// The quota facts as one consistent copy: retried while a reading is being written (a sequence lock; writers
    /// never wait, readers only spin for the few stores of one reading). Null when no reading has come yet.
    /// </summary>
    private static BackendQuotaRecord? ReadQuota(BackendHealthState s)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            var version = Volatile.Read(ref s.QuotaVersion);
            if ((version & 1) == 0)
            {
                var reading = s.QuotaReading;
                var readAt = s.QuotaReadAtTicks;
                var tokensAt = s.TokensSentAtReading;
                var requestsAt = s.RequestsSentAtReading;
                // The loads above must not move below the second read of the version.
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref s.QuotaVersion) == version)
                {
                    if (readAt == 0) return null;
                    return new BackendQuotaRecord(reading, new DateTimeOffset(readAt, TimeSpan.Zero),
                        Volatile.Read(ref s.TokensSent) - tokensAt, Volatile.Read(ref s.RequestsSent) - requestsAt);
                }
            }
            spinner.SpinOnce();
        }
    }

    /// <summary>
    /// The counts of the minute of <paramref name="nowTicks"/>, starting it when the clock has moved on to a new one
    /// (the one it replaces stays behind it while adjacent). A clock that went back keeps counting in the later minute.
    /// </summary>
    private static MinuteCounts CurrentMinute(BackendHealthState s, long nowTicks)
    {
        var start = nowTicks - (nowTicks % TimeSpan.TicksPerMinute);
        while (true)
        {
            var current = Volatile.Read(ref s.Minute);
            if (current is not null && current.StartTicks >= start) return current;
            var adjacent = current is not null && start - current.StartTicks == TimeSpan.TicksPerMinute;
            var fresh = new MinuteCounts(start, adjacent ? current : null);
            if (Interlocked.CompareExchange(ref s.Minute, fresh, current) != current) continue;
            // Only one minute back is ever read: let the older ones go.
            if (current is not null) Volatile.Write(ref current.Previous, null);
            return fresh;
        }
    }

    private static void AddNotBelowZero(ref long value, long delta)
    {
        if (delta == 0) return;
        var current = Volatile.Read(ref value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref value, Math.Max(0, current + delta), current);
            if (seen == current) return;
            current = seen;
        }
    }

    /// <summary>
    /// Over enough attempts, either the failures blamed on the backend reached the ratio, or nothing succeeded and at
    /// least one failure was the backend's alone. Disputed failures (the request failed elsewhere too) never open a
    /// circuit by themselves, so requests no backend can process cannot rest a pool; but they do not dilute the
    /// ratio of a backend that fails everything either.
    /// </summary>
    private static bool Trips(AttemptCounts window, ForwardingOptions options) =>
        window.Attempts >= options.BreakerMinimumThroughput
        && (window.Failures >= options.BreakerFailureRatio * window.Attempts || (window.Successes == 0 && window.Failures > 0));

    /// <summary>A good answer while the circuit was open or half-open: closed, and judged afresh from a clean window.</summary>
    private static void CloseCircuit(BackendHealthState s)
    {
        s.Window.Clear();
        Interlocked.Exchange(ref s.CircuitOpenUntilTicks, 0);
        Interlocked.Exchange(ref s.ProbeInFlight, 0);
    }

    private static void Extend(ref long field, long untilTicks)
    {
        var current = Interlocked.Read(ref field);
        while (untilTicks > current)
        {
            var seen = Interlocked.CompareExchange(ref field, untilTicks, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private BackendHealthState State(Backend backend) => _states.GetOrAdd(backend.Name, static _ => new BackendHealthState());

    private long NowTicks => _time.GetUtcNow().UtcTicks;

    /// <summary>Availability with a fixed utilization threshold instead of the pool's (0: spillover ignored), and optionally of provisioned backends only.</summary>
    private sealed class LimitView(InMemoryBackendHealth health, long limitBasisPoints, bool provisionedOnly, bool ignoreDrain = false) : IBackendAvailability
    {
        public bool IsAvailable(Backend backend, Pool pool) =>
            (!provisionedOnly || backend.Type == BackendType.Provisioned) && health.IsAvailable(backend, pool, limitBasisPoints, ignoreDrain);

        public BackendQuota Quota(Backend backend) => health.Quota(backend);
    }
}
