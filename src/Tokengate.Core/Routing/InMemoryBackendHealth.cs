using System.Collections.Concurrent;
using Tokengate.Configuration;

namespace Tokengate.Routing;

/// <summary>Backend health for a single gateway instance, held in process memory.</summary>
internal sealed class InMemoryBackendHealth : IBackendHealth
{
    private readonly ConcurrentDictionary<string, BackendHealthState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly Func<ForwardingOptions> _options;

    public InMemoryBackendHealth(TimeProvider time, Func<ForwardingOptions> options)
    {
        _time = time;
        _options = options;
        IgnoringSpillover = new SpilloverBlindView(this);
    }

    public IBackendAvailability IgnoringSpillover { get; }

    public bool IsAvailable(Backend backend, Pool pool) => IsAvailable(backend, pool, honourSpillover: true);

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
        Interlocked.Exchange(ref s.ConsecutiveFailures, 0);
        Interlocked.Exchange(ref s.CircuitOpenUntilTicks, 0);
        Interlocked.Exchange(ref s.ProbeInFlight, 0);
    }

    public void ReportThrottled(Backend backend, DateTimeOffset until)
    {
        // A 429 proves the backend is alive: it closes a half-open circuit like a success would.
        ReportSuccess(backend);
        ExtendCooldown(State(backend), until.UtcTicks);
    }

    public void ReportFailure(Backend backend, DateTimeOffset until)
    {
        var s = State(backend);
        var options = _options();
        ExtendCooldown(s, until.UtcTicks);
        var failures = Interlocked.Increment(ref s.ConsecutiveFailures);
        var wasProbe = Interlocked.Exchange(ref s.ProbeInFlight, 0) == 1;
        if (wasProbe || failures >= options.BreakerFailureThreshold)
            Interlocked.Exchange(ref s.CircuitOpenUntilTicks, NowTicks + options.BreakerOpenDuration.Ticks);
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

    public DateTimeOffset EarliestRecovery(Pool pool)
    {
        var now = NowTicks;
        var earliest = long.MaxValue;
        foreach (var b in pool.Backends)
        {
            var s = State(b);
            var at = Math.Max(now, Math.Max(Interlocked.Read(ref s.CoolingUntilTicks), Interlocked.Read(ref s.CircuitOpenUntilTicks)));
            earliest = Math.Min(earliest, at);
        }
        return new DateTimeOffset(earliest == long.MaxValue ? now : earliest, TimeSpan.Zero);
    }

    public BackendHealthRecord Describe(Backend backend)
    {
        var s = State(backend);
        var now = NowTicks;
        var cooling = Interlocked.Read(ref s.CoolingUntilTicks);
        var open = Interlocked.Read(ref s.CircuitOpenUntilTicks);
        var utilization = Interlocked.Read(ref s.UtilizationBasisPoints);
        BackendQuota quota;
        long readAt, tokensPerMinute, requestsPerMinute;
        lock (s.QuotaLock)
        {
            readAt = s.QuotaReadAtTicks;
            quota = readAt == 0 ? BackendQuota.Unknown : QuotaRecord(s).ProjectAt(new DateTimeOffset(now, TimeSpan.Zero));
            RollMinute(s, now);
            // A sliding minute from two fixed ones: the last minute's count weighted by how much of it is still inside.
            var lastShare = 1 - ((double)(now - s.MinuteStartTicks) / TimeSpan.TicksPerMinute);
            tokensPerMinute = s.TokensThisMinute + (long)Math.Round(s.TokensLastMinute * lastShare);
            requestsPerMinute = s.RequestsThisMinute + (long)Math.Round(s.RequestsLastMinute * lastShare);
        }
        return new BackendHealthRecord(
            cooling > now ? new DateTimeOffset(cooling, TimeSpan.Zero) : null,
            open != 0 ? new DateTimeOffset(open, TimeSpan.Zero) : null,
            Volatile.Read(ref s.ConsecutiveFailures),
            utilization >= 0 ? utilization / 100.0 : null,
            quota,
            readAt == 0 ? null : new DateTimeOffset(readAt, TimeSpan.Zero),
            tokensPerMinute,
            requestsPerMinute);
    }

    private bool IsAvailable(Backend backend, Pool pool, bool honourSpillover)
    {
        var s = State(backend);
        var now = NowTicks;
        if (now < Interlocked.Read(ref s.CoolingUntilTicks)) return false;

        var openUntil = Interlocked.Read(ref s.CircuitOpenUntilTicks);
        if (openUntil != 0 && (now < openUntil || Volatile.Read(ref s.ProbeInFlight) == 1)) return false;

        if (honourSpillover && backend.Type == BackendType.Provisioned && pool.SpilloverUtilizationPercent > 0)
        {
            var basisPoints = Interlocked.Read(ref s.UtilizationBasisPoints);
            var fresh = now - Interlocked.Read(ref s.UtilizationAtTicks) < _options().UtilizationReadingLifetime.Ticks;
            if (fresh && basisPoints >= pool.SpilloverUtilizationPercent * 100) return false;
        }
        return true;
    }

    private static BackendQuotaRecord QuotaRecord(BackendHealthState s) =>
        new(s.QuotaReading, new DateTimeOffset(s.QuotaReadAtTicks, TimeSpan.Zero), s.TokensSentSinceReading, s.RequestsSentSinceReading);

    /// <summary>Moves the per-minute counts on to the minute of <paramref name="nowTicks"/>; the caller holds the quota lock.</summary>
    private static void RollMinute(BackendHealthState s, long nowTicks)
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

    private static void ExtendCooldown(BackendHealthState s, long untilTicks)
    {
        var current = Interlocked.Read(ref s.CoolingUntilTicks);
        while (untilTicks > current)
        {
            var seen = Interlocked.CompareExchange(ref s.CoolingUntilTicks, untilTicks, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private BackendHealthState State(Backend backend) => _states.GetOrAdd(backend.Name, static _ => new BackendHealthState());

    private long NowTicks => _time.GetUtcNow().UtcTicks;

    private sealed class SpilloverBlindView(InMemoryBackendHealth health) : IBackendAvailability
    {
        public bool IsAvailable(Backend backend, Pool pool) => health.IsAvailable(backend, pool, honourSpillover: false);

        public BackendQuota Quota(Backend backend) => health.Quota(backend);
    }
}
