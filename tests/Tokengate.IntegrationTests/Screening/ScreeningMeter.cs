using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Hosting;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Screening;

/// <summary>
/// Listens to the <c>tokengate.screening.*</c> counters of one gateway's meter (tests running beside it have meters of
/// their own) and sums them by tags.
/// </summary>
internal sealed class ScreeningMeter : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    public ScreeningMeter(GatewayServer gateway)
    {
        var meter = gateway.App.Services.GetRequiredService<GatewayMetrics>().Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter && instrument.Name.StartsWith("tokengate.screening.", StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = tags.ToArray();
            lock (_measurements) _measurements.Add((instrument.Name, value, copy));
        });
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="name"/>'s measurements that carry every tag given (values compared as text).</summary>
    public long Sum(string name, params (string Key, object Value)[] tags)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => m.Name == name && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(Text(x.Value), Text(t.Value)))))
                .Sum(m => m.Value);
        }
    }

    /// <summary>
    /// Waits (polling, with a deadline) until the sum reaches <paramref name="atLeast"/>, then returns it: some counts are
    /// recorded after the response has gone to the client.
    /// </summary>
    public async Task<long> WaitForAsync(long atLeast, string name, params (string Key, object Value)[] tags)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var sum = Sum(name, tags);
            if (sum >= atLeast || DateTime.UtcNow > deadline) return sum;
            await Task.Delay(10);
        }
    }

    public void Dispose() => _listener.Dispose();

    private static string? Text(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        _ => value?.ToString(),
    };
}
