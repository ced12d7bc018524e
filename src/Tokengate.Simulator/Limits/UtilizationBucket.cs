namespace Tokengate.Simulator.Limits;

/// <summary>
/// The provisioned-throughput leaky bucket (protocol reference §6.3): admission is refused while utilization is above
/// 100%, an admitted call adds its estimate, completion corrects by (actual − estimate), and the bucket drains
/// continuously at one capacity per minute.
/// </summary>
internal sealed class UtilizationBucket
{
    // Floating-point drain must not leave a request throttled a hair past the announced retry time.
    private const double Tolerance = 1e-9;

    private readonly Lock _lock = new();
    private double _level;
    private long _lastTicks;

    public AdmissionResult TryAdmit(long nowTicks, double estimate, double capacityPerMinute)
    {
        lock (_lock)
        {
            Drain(nowTicks, capacityPerMinute);
            if (_level > capacityPerMinute * (1 + Tolerance))
            {
                var wait = TimeSpan.FromTicks((long)Math.Ceiling((_level - capacityPerMinute) / capacityPerMinute * TimeSpan.TicksPerMinute));
                return Result(ThrottleReason.Utilization, wait, capacityPerMinute);
            }

            _level += estimate;
            return Result(ThrottleReason.None, TimeSpan.Zero, capacityPerMinute);
        }
    }

    public void Correct(long nowTicks, double delta, double capacityPerMinute)
    {
        lock (_lock)
        {
            Drain(nowTicks, capacityPerMinute);
            _level = Math.Max(0, _level + delta);
        }
    }

    public double UtilizationPercent(long nowTicks, double capacityPerMinute)
    {
        lock (_lock)
        {
            Drain(nowTicks, capacityPerMinute);
            return Percent(capacityPerMinute);
        }
    }

    public void Force(long nowTicks, double percent, double capacityPerMinute)
    {
        lock (_lock)
        {
            _lastTicks = nowTicks;
            _level = Math.Max(0, percent) / 100.0 * capacityPerMinute;
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _level = 0;
            _lastTicks = 0;
        }
    }

    private AdmissionResult Result(ThrottleReason reason, TimeSpan wait, double capacity) =>
        new(reason, wait, 0, 0, 0, 0, Percent(capacity));

    private double Percent(double capacity) => capacity <= 0 ? 0 : 100.0 * _level / capacity;

    private void Drain(long nowTicks, double capacityPerMinute)
    {
        if (_lastTicks != 0 && nowTicks > _lastTicks)
        {
            _level = Math.Max(0, _level - (capacityPerMinute * (nowTicks - _lastTicks) / TimeSpan.TicksPerMinute));
        }

        _lastTicks = Math.Max(_lastTicks, nowTicks);
    }
}
