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
        return new BackendHealthRecord(
            cooling > now ? new DateTimeOffset(cooling, TimeSpan.Zero) : null,
            open != 0 ? new DateTimeOffset(open, TimeSpan.Zero) : null,
            Volatile.Read(ref s.ConsecutiveFailures),
            utilization >= 0 ? utilization / 100.0 : null);
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
    }
}
