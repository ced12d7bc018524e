using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Priority;

/// <summary>The wait queue on a fake clock: fairness between consumers, order within one, the bound, deadlines, cancellation.</summary>
public sealed class WaitQueueTests : IDisposable
{
    private static readonly PriorityClass Low = new("low", 2) { WhenFull = WhenFull.Wait, MaxWait = TimeSpan.FromSeconds(30), MaxQueuedPerConsumer = 3 };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly WaitQueue _queue;
    private readonly ConcurrentDictionary<string, int> _tries = new();
    private readonly ConcurrentDictionary<string, bool> _granted = new();

    public WaitQueueTests()
    {
        _queue = new WaitQueue(_time);
    }

    public void Dispose() => _queue.Dispose();

    private DateTimeOffset In(double seconds) => _time.GetUtcNow() + TimeSpan.FromSeconds(seconds);

    /// <summary>A waiter whose retry counts its tries and succeeds once the test grants it.</summary>
    private ValueTask<WaitOutcome> Wait(string consumer, string name, DateTimeOffset? deadline = null, CancellationToken aborted = default) =>
        _queue.WaitAsync("pool", Low, consumer, deadline ?? In(30), () =>
        {
            _tries.AddOrUpdate(name, 1, (_, n) => n + 1);
            return ValueTask.FromResult(_granted.ContainsKey(name));
        }, aborted);

    private int Tries(string name) => _tries.GetValueOrDefault(name);

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Yield();
            await Task.Delay(1);
        }
    }

    private int Depth() => _queue.Depths().Where(d => d.Pool == "pool" && d.Priority == "low").Sum(d => d.Depth);

    [Fact]
    public async Task WaitAsync_WokenAndRetrySucceeds_ServedAndDepthBackToZero()
    {
        var waiting = Wait("a", "a1").AsTask();
        Assert.Equal(1, Depth());
        Assert.Equal(0, Tries("a1"));  // no retry before a wake

        _granted["a1"] = true;
        _queue.Wake("pool");

        Assert.Equal(WaitOutcome.Served, await waiting);
        Assert.Equal(0, Depth());
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task Wake_TwoConsumers_EachFirstWaiterRetriesOnce_LaterOnesWaitTheirTurn()
    {
        var a1 = Wait("a", "a1").AsTask();
        var a2 = Wait("a", "a2").AsTask();
        var a3 = Wait("a", "a3").AsTask();
        var b1 = Wait("b", "b1").AsTask();

        _queue.Wake("pool");
        await Until(() => Tries("a1") == 1 && Tries("b1") == 1);
        Assert.Equal((0, 0), (Tries("a2"), Tries("a3")));  // a consumer with three waiters gets one turn, like one with one

        // a1 may run: it leaves, and the next of its consumer's line gets its first try at once.
        _granted["a1"] = true;
        _queue.Wake("pool");
        Assert.Equal(WaitOutcome.Served, await a1);
        await Until(() => Tries("a2") >= 1);
        Assert.Equal(0, Tries("a3"));

        _granted["a2"] = _granted["a3"] = _granted["b1"] = true;
        _queue.Wake("pool");
        Assert.Equal([WaitOutcome.Served, WaitOutcome.Served, WaitOutcome.Served], await Task.WhenAll(a2, a3, b1));
        Assert.Equal(0, Depth());
    }

    [Fact]
    public async Task WaitAsync_ConsumerAtItsBound_FullAtOnce_OtherConsumersStillQueue()
    {
        var waiting = new[] { Wait("a", "a1").AsTask(), Wait("a", "a2").AsTask(), Wait("a", "a3").AsTask() };

        Assert.Equal(WaitOutcome.Full, await Wait("a", "a4"));
        var b1 = Wait("b", "b1").AsTask();
        Assert.False(b1.IsCompleted);
        Assert.Equal(4, Depth());

        foreach (var name in new[] { "a1", "a2", "a3", "b1" }) _granted[name] = true;
        _queue.Wake("pool");
        await Task.WhenAll([.. waiting, b1]);
        Assert.Equal(0, Depth());
    }

    [Fact]
    public async Task WaitAsync_DeadlinePasses_TimedOut_LeavesTheQueue()
    {
        var waiting = Wait("a", "a1", deadline: In(2)).AsTask();

        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(WaitOutcome.TimedOut, await waiting);
        Assert.Equal(0, Depth());
    }

    [Fact]
    public async Task WaitAsync_DeadlineAlreadyPassed_TimedOutWithoutQueueing()
    {
        Assert.Equal(WaitOutcome.TimedOut, await Wait("a", "a1", deadline: In(0)));
        Assert.Empty(_queue.Depths());
    }

    [Fact]
    public async Task WaitAsync_ClientGoesAway_AbandonedAtOnce_NextInLineMovesUp()
    {
        using var client = new CancellationTokenSource();
        var a1 = Wait("a", "a1", aborted: client.Token).AsTask();
        var a2 = Wait("a", "a2").AsTask();

        await client.CancelAsync();

        Assert.Equal(WaitOutcome.Abandoned, await a1);
        Assert.Equal(0, Tries("a1"));
        await Until(() => Tries("a2") == 1);  // first in line now: it gets its first try at once
        Assert.Equal(1, Depth());
        _granted["a2"] = true;
        _queue.Wake("pool");
        Assert.Equal(WaitOutcome.Served, await a2);
    }

    [Fact]
    public async Task Tick_NothingWakesTheQueue_WaitersRetryEveryTick()
    {
        var a1 = Wait("a", "a1").AsTask();

        _time.Advance(WaitQueue.TickInterval);
        await Until(() => Tries("a1") == 1);
        _granted["a1"] = true;
        _time.Advance(WaitQueue.TickInterval);

        Assert.Equal(WaitOutcome.Served, await a1);
    }

    [Fact]
    public async Task Wake_OtherPool_DoesNotWakeThisOne()
    {
        var a1 = Wait("a", "a1").AsTask();
        _granted["a1"] = true;

        _queue.Wake("other");
        Assert.False(a1.IsCompleted);
        Assert.Equal(0, Tries("a1"));

        _queue.WakeAll();
        Assert.Equal(WaitOutcome.Served, await a1);
    }
}
