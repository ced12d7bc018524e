using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>Counts <c>tokengate.affinity.lookups</c> by result on one gateway's meter (tests running beside it have meters of their own).</summary>
internal sealed class LookupCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public LookupCounter(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter && instrument.Name == "tokengate.affinity.lookups") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "tokengate.affinity.result") _counts.AddOrUpdate((string)tag.Value!, value, (_, n) => n + value);
            }
        });
        _listener.Start();
    }

    public long this[string result] => _counts.GetValueOrDefault(result);

    public void Dispose() => _listener.Dispose();
}
