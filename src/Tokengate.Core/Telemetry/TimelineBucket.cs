namespace Tokengate.Telemetry;

/// <summary>The aggregates of one 10-second interval; reused when the ring comes round.</summary>
internal sealed class TimelineBucket
{
    public long Epoch = -1;
    public Dictionary<string, BackendSlot> Backends { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, ConsumerSlot> Consumers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public void Reset(long epoch)
    {
        Epoch = epoch;
        Backends.Clear();
        Consumers.Clear();
    }
}
