using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.State;

namespace Tokengate.IntegrationTests.State;

/// <summary>
/// The change notifier contract on <see cref="RedisStateChangeNotifier"/> over the shared test Redis, plus what Redis
/// adds: a change reaches every instance under the key prefix and no other fleet, an unreachable Redis still lets this
/// instance hear its own changes, and a connection that comes back raises every topic.
/// </summary>
public sealed class RedisStateChangeNotifierTests : StateChangeNotifierContractTests
{
    private readonly string _prefix = $"tg-test-{Guid.NewGuid():N}:";
    private readonly List<RedisStateInstance> _instances = [];
    private RedisStateInstance _instance = null!;
    private RedisStateChangeNotifier _notifier = null!;

    private protected override IStateChangeNotifier Notifier => _notifier;

    public override async Task InitializeAsync() => (_instance, _notifier) = await StartInstanceAsync();

    public override async Task DisposeAsync()
    {
        var failures = _instance.SharedStateFailures;
        foreach (var instance in _instances) await instance.DisposeAsync();
        // Every change this instance published went over Redis.
        Assert.Equal((0L, 0L), failures);
    }

    private async Task<(RedisStateInstance Instance, RedisStateChangeNotifier Notifier)> StartInstanceAsync(string? endpoint = null, string? prefix = null)
    {
        var instance = await RedisStateInstance.StartAsync(endpoint ?? TestRedis.Shared, prefix ?? _prefix, TimeProvider.System,
            services => services.AddSingleton<RedisStateChangeNotifier>());
        _instances.Add(instance);
        return (instance, await instance.StartServiceAsync<RedisStateChangeNotifier>());
    }

    [Fact]
    public async Task Publish_OnOneInstance_ReachesEveryInstanceOfTheFleet_AndNoOtherFleet()
    {
        var fleet = new[] { _notifier, (await StartInstanceAsync()).Notifier, (await StartInstanceAsync()).Notifier };
        var outsider = (await StartInstanceAsync(prefix: $"tg-test-{Guid.NewGuid():N}:")).Notifier;
        var heard = new int[fleet.Length];
        int outside = 0, outsideControl = 0;
        var subscriptions = fleet.Select((n, i) => n.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard[i]))).ToList();
        subscriptions.Add(outsider.Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref outside)));
        subscriptions.Add(outsider.Subscribe("control", () => Interlocked.Increment(ref outsideControl)));

        await fleet[1].PublishAsync(StateChangeTopics.Consumers, default);

        await UntilAsync(() => Enumerable.Range(0, heard.Length).All(i => Volatile.Read(ref heard[i]) >= 1));

        // A change of the outsider's own, published after the fleet's, reaches it; the fleet's never does. (Both its
        // topics are raised alike when its connection is established.)
        await outsider.PublishAsync("control", default);
        await UntilAsync(() => Volatile.Read(ref outsideControl) > Volatile.Read(ref outside));
        foreach (var s in subscriptions) s.Dispose();
    }

    [Fact]
    public async Task Publish_RedisUnreachable_DoesNotThrow_AndThisInstancesSubscribersStillHear()
    {
        var shared = TestRedis.Shared.Split(':');
        await using var link = new TcpForwarder(new IPEndPoint(IPAddress.Parse(shared[0]), int.Parse(shared[1], CultureInfo.InvariantCulture)));
        var (instance, cut) = await StartInstanceAsync($"127.0.0.1:{link.Port}");
        var here = 0;
        using var local = cut.Subscribe("keys", () => Interlocked.Increment(ref here));
        link.Disable();
        await UntilAsync(() => !instance.Redis.IsConnected);
        var before = Volatile.Read(ref here);

        await cut.PublishAsync("keys", default);

        Assert.Equal(before + 1, Volatile.Read(ref here));  // raised here before PublishAsync returned
    }

    [Fact]
    public async Task Reconnect_AfterALostConnection_RaisesEveryTopicSubscribedHere()
    {
        var shared = TestRedis.Shared.Split(':');
        await using var link = new TcpForwarder(new IPEndPoint(IPAddress.Parse(shared[0]), int.Parse(shared[1], CultureInfo.InvariantCulture)));
        var (instance, cut) = await StartInstanceAsync($"127.0.0.1:{link.Port}");
        int keys = 0, roles = 0;
        using var toKeys = cut.Subscribe("keys", () => Interlocked.Increment(ref keys));
        using var toRoles = cut.Subscribe("roles", () => Interlocked.Increment(ref roles));
        link.Disable();
        await UntilAsync(() => !instance.Redis.IsConnected);
        var (keysBefore, rolesBefore) = (Volatile.Read(ref keys), Volatile.Read(ref roles));

        // Published while this instance was away: it never arrives, so the reconnect stands in for it.
        await Notifier.PublishAsync("keys", default);
        link.Enable();

        await UntilAsync(() => Volatile.Read(ref keys) > keysBefore && Volatile.Read(ref roles) > rolesBefore);

        // And the instance is subscribed again: a change published from now on arrives.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        await UntilAsync(() => (long)((RedisResult[])redis.GetDatabase().Execute("PUBSUB", "NUMSUB", _prefix + "changes")!)[1] == 2);  // the test's own and this one
        var before = Volatile.Read(ref roles);
        await Notifier.PublishAsync("roles", default);
        await UntilAsync(() => Volatile.Read(ref roles) > before);
    }
}
