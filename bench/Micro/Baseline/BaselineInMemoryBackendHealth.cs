using System.Collections.Concurrent;
using Tokengate.Configuration;

namespace Tokengate.Micro.Baseline;

using Tokengate.Routing;

/// <summary>Backend health for a single gateway instance, held in process memory.</summary>
internal sealed class BaselineInMemoryBackendHealth : IBackendHealth
{
    private readonly ConcurrentDictionary<string, BaselineBackendHealthState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, IBackendAvailability> _limitViews = new();
    private readonly TimeProvider _time;
    private readonly Func<ForwardingOptions> _options;

    public BaselineInMemoryBackendHealth(TimeProvider time, Func<ForwardingOptions> options)
    {
        _time = time;
        _options = options;
        IgnoringSpillover = new LimitView(this, 0, provisionedOnly: false);
    }

    public IBackendAvailability IgnoringSpillover { get; }

    // Drains came after this copy: pinned requests see the same view.
    public IBackendAvailability Pinned => IgnoringSpillover;

    public bool IsAvailable(Backend backend, Pool pool) => IsAvailable(backend, pool, pool.SpilloverBasisPoints);

    public IBackendAvailability WithUtilizationLimit(long basisPoints, bool provisionedOnly = false) =>
        basisPoints <= 0 && !provisionedOnly ? IgnoringSpillover
        : _limitViews.GetOrAdd(Math.Max(0, basisPoints) * 2 + (provisionedOnly ? 1 : 0), static (key, health) => new LimitView(health, key / 2, (key & 1) == 1), this);

    public BackendQuota Quota(Backend backend)
    {
        var s = State(backend);
        lock (s.QuotaLock)
        {
            return s.QuotaReadAtTicks == 0 ? BackendQuota.Unknown : QuotaRecord(s).ProjectAt(_time.GetUtcNow());
        }
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
        lock (s.QuotaLock)
        {
            s.TokensSentSinceReading += estimatedTokens;
            s.RequestsSentSinceReading++;
            RollMinute(s, NowTicks);
            s.TokensThisMinute += estimatedTokens;
            s.RequestsThisMinute++;
        }
    }

    public void ReportQuota(Backend backend, BackendQuotaReading reading)
    {
        if (reading.IsEmpty) return;
        var s = State(backend);
        lock (s.QuotaLock)
        {
            // The headers already include this request and everything the backend admitted before it.
            s.QuotaReading = reading;
            s.QuotaReadAtTicks = NowTicks;
            s.TokensSentSinceReading = 0;
            s.RequestsSentSinceReading = 0;
        }
    }

    public void ReportSettled(Backend backend, long estimatedTokens, long actualTokens)
    {
        var s = State(backend);
        lock (s.QuotaLock)
        {
            RollMinute(s, NowTicks);
            s.TokensThisMinute = Math.Max(0, s.TokensThisMinute + actualTokens - estimatedTokens);
        }
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
        BackendQuota quota;
        long readAt, tokensPerMinute, requestsPerMinute;
        lock (s.QuotaLock)
        {
            readAt = s.QuotaReadAtTicks;
            quota = readAt == 0 ? BackendQuota.Unknown : QuotaRecord(s).ProjectAt(new DateTimeOffset(now, TimeSpan.Zero));
            tokensPerMinute = SlidingTokensPerMinute(s, now);
            var lastShare = 1 - ((double)(now - s.MinuteStartTicks) / TimeSpan.TicksPerMinute);
            requestsPerMinute = s.RequestsThisMinute + (long)Math.Round(s.RequestsLastMinute * lastShare);
        }
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
    private bool IsAvailable(Backend backend, Pool pool, long limitBasisPoints)
    {
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
    private long UtilizationBasisPoints(BaselineBackendHealthState s, Backend backend, long now)
    {
        var basisPoints = -1L;
        if (now - Interlocked.Read(ref s.UtilizationAtTicks) < _options().UtilizationReadingLifetime.Ticks)
            basisPoints = Interlocked.Read(ref s.UtilizationBasisPoints);
        if (backend.ProvisionedTokensPerMinute is { } capacity)
        {
            long tokens;
            lock (s.QuotaLock)
            {
                tokens = SlidingTokensPerMinute(s, now);
            }
            basisPoints = Math.Max(basisPoints, tokens * 10_000 / capacity);
        }
        return basisPoints;
    }

    /// <summary>A sliding minute from two fixed ones: the last minute's count weighted by how much of it is still inside. The caller holds the quota lock.</summary>
    private static long SlidingTokensPerMinute(BaselineBackendHealthState s, long now)
    {
        RollMinute(s, now);
        var lastShare = 1 - ((double)(now - s.MinuteStartTicks) / TimeSpan.TicksPerMinute);
        return s.TokensThisMinute + (long)Math.Round(s.TokensLastMinute * lastShare);
    }

    private static BackendQuotaRecord QuotaRecord(BaselineBackendHealthState s) =>
        new(s.QuotaReading, new DateTimeOffset(s.QuotaReadAtTicks, TimeSpan.Zero), s.TokensSentSinceReading, s.RequestsSentSinceReading);

    /// <summary>Moves the per-minute counts on to the minute of <paramref name="nowTicks"/>; the caller holds the quota lock.</summary>
    private static void RollMinute(BaselineBackendHealthState s, long nowTicks)
    {
        var minute = nowTicks - (nowTicks % TimeSpan.TicksPerMinute);
        if (minute == s.MinuteStartTicks) return;
        var adjacent = minute - s.MinuteStartTicks == TimeSpan.TicksPerMinute;
        s.TokensLastMinute = adjacent ? s.TokensThisMinute : 0;
        s.RequestsLastMinute = adjacent ? s.RequestsThisMinute : 0;
        s.TokensThisMinute = 0;
        s.RequestsThisMinute = 0;
        s.MinuteStartTicks = minute;
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
    private static void CloseCircuit(BaselineBackendHealthState s)
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

    private BaselineBackendHealthState State(Backend backend) => _states.GetOrAdd(backend.Name, static _ => new BaselineBackendHealthState());

    private long NowTicks => _time.GetUtcNow().UtcTicks;

    /// <summary>Availability with a fixed utilization threshold instead of the pool's (0: spillover ignored), and optionally of provisioned backends only.</summary>
    private sealed class LimitView(BaselineInMemoryBackendHealth health, long limitBasisPoints, bool provisionedOnly) : IBackendAvailability
    {
        public bool IsAvailable(Backend backend, Pool pool) =>
            (!provisionedOnly || backend.Type == BackendType.Provisioned) && health.IsAvailable(backend, pool, limitBasisPoints);

        public BackendQuota Quota(Backend backend) => health.Quota(backend);
    }
}
