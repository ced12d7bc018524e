using Tokengate.State;

namespace Tokengate.IntegrationTests.State;

/// <summary>
/// What every <see cref="IStateChangeNotifier"/> promises to the instance that uses it, run against each implementation
/// by the classes that derive from this one (in memory; Redis).
/// <para>
/// A change may be delivered after <see cref="IStateChangeNotifier.PublishAsync"/> returns (over Redis it comes back
/// through the channel), so the cases wait for deliveries with a deadline. And a topic may be raised without a publish:
/// the Redis notifier raises every subscribed topic whenever its connection is (re)established, which can happen just
/// after it started. So the cases count deliveries as at least one per publish, and show that a publish reaches only its
/// topic by comparing two subscribed topics (an unprompted raise reaches both) rather than by counting zero.
/// </para>
/// </summary>
public abstract class StateChangeNotifierContractTests : IAsyncLifetime
{
    private protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>The notifier under test.</summary>
    private protected abstract IStateChangeNotifier Notifier { get; }

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    private protected static Task UntilAsync(Func<bool> condition) => Secrets.Poll.UntilAsync(condition, Deadline);

    [Fact]
    public async Task Publish_ReachesEverySubscriberOfTheTopic()
    {
        var heard = new int[3];
        using var first = Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard[0]));
        using var second = Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard[1]));
        using var third = Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard[2]));

        await Notifier.PublishAsync(StateChangeTopics.Consumers, default);

        await UntilAsync(() => Enumerable.Range(0, heard.Length).All(i => Volatile.Read(ref heard[i]) >= 1));
    }

    [Fact]
    public async Task Publish_ReachesOnlyTheSubscribersOfThatTopic()
    {
        int keys = 0, roles = 0;
        using var toKeys = Notifier.Subscribe("keys", () => Interlocked.Increment(ref keys));
        using var toRoles = Notifier.Subscribe("roles", () => Interlocked.Increment(ref roles));

        for (var i = 0; i < 5; i++) await Notifier.PublishAsync("keys", default);
        await UntilAsync(() => Volatile.Read(ref keys) - Volatile.Read(ref roles) >= 5);

        for (var i = 0; i < 5; i++) await Notifier.PublishAsync("roles", default);
        await UntilAsync(() => Volatile.Read(ref roles) >= 5 && Volatile.Read(ref roles) >= Volatile.Read(ref keys));
    }

    [Fact]
    public async Task Publish_EveryPublishIsHeard_ConcurrentOnesToo()
    {
        var heard = 0;
        using var subscription = Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard));

        for (var i = 0; i < 3; i++) await Notifier.PublishAsync(StateChangeTopics.Consumers, default);
        await UntilAsync(() => Volatile.Read(ref heard) >= 3);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Notifier.PublishAsync(StateChangeTopics.Consumers, default).AsTask()));
        await UntilAsync(() => Volatile.Read(ref heard) >= 43);
    }

    [Fact]
    public async Task Publish_NoSubscribers_IsNoError()
    {
        await Notifier.PublishAsync("nobody-listens", default);
        await Notifier.PublishAsync("", default);

        var heard = 0;
        using var subscription = Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard));
        await Notifier.PublishAsync(StateChangeTopics.Consumers, default);
        await UntilAsync(() => Volatile.Read(ref heard) >= 1);
    }

    [Fact]
    public async Task Dispose_EndsThatSubscriptionOnly_AndDisposingTwiceIsNoError()
    {
        int gone = 0, kept = 0;
        var disposed = Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref gone));
        using var staying = Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref kept));

        disposed.Dispose();
        disposed.Dispose();
        await Notifier.PublishAsync(StateChangeTopics.Consumers, default);

        // One delivery raises a topic's handlers in turn, so the staying one having heard it settles the other's fate.
        await UntilAsync(() => Volatile.Read(ref kept) >= 1);
        Assert.Equal(0, Volatile.Read(ref gone));
    }

    [Fact]
    public async Task Subscribe_AfterADisposal_HearsAgain()
    {
        var heard = 0;
        Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard)).Dispose();
        using var again = Notifier.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard));

        await Notifier.PublishAsync(StateChangeTopics.Consumers, default);

        await UntilAsync(() => Volatile.Read(ref heard) >= 1);
    }
}
