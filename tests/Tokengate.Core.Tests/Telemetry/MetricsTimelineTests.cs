using Microsoft.Extensions.Time.Testing;
using Tokengate.Accounting;
using Tokengate.Telemetry;

namespace Tokengate.Telemetry;

public sealed class MetricsTimelineTests
{
    [Fact]
    public void LastMinute_CountsOnlyTheLatestSixBuckets()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var timeline = new MetricsTimeline(time);
        timeline.Record(Record(time.GetUtcNow(), 100, 20));
        time.Advance(TimeSpan.FromSeconds(30));
        timeline.Record(Record(time.GetUtcNow(), 10, 5));
        Assert.Equal((135L, 2L), timeline.LastMinute("b1"));

        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal((15L, 1L), timeline.LastMinute("b1"));
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal((0L, 0L), timeline.LastMinute("b1"));
    }

    [Fact]
    public void Read_VisitsEveryBucketOfThePeriod_OldestFirst()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 5, TimeSpan.Zero));
        var timeline = new MetricsTimeline(time);
        timeline.Record(Record(time.GetUtcNow(), 7, 3));
        timeline.RecordEvent("b1", "pool", throttled: true);
        var seen = new List<(DateTimeOffset, long, long)>();
        timeline.Read(5, (at, bucket) => seen.Add((at, bucket?.Backends["b1"].InputTokens ?? 0, bucket?.Backends["b1"].Throttled ?? 0)));
        Assert.Equal(30, seen.Count);
        Assert.Equal((new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 7L, 1L), seen[^1]);
        Assert.True(seen[0].Item1 < seen[^1].Item1);
    }

    private static UsageRecord Record(DateTimeOffset at, long prompt, long completion) =>
        new(at, "alice", "team", "pool", "b1", "gpt-4o", prompt, 0, completion, 0.001m, 200, 120, null, false, UsageSource.Reported);
}
