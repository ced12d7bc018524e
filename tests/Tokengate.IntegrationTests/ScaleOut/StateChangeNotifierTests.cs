using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.State;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>The change notifications other features use to tell every instance to drop cached data.</summary>
public sealed class StateChangeNotifierTests
{
    [Fact]
    public async Task Publish_OnOneInstance_ReachesEveryInstanceWithinOneSecond()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(3, TestRedis.Shared, postgres.ConnectionString, [("sim", backend, 1)]);
        var heard = new int[3];
        var subscriptions = Enumerable.Range(0, 3)
            .Select(i => fleet.Service<IStateChangeNotifier>(i).Subscribe(StateChangeTopics.Consumers, () => Interlocked.Increment(ref heard[i])))
            .ToList();

        await fleet.Service<IStateChangeNotifier>(0).PublishAsync(StateChangeTopics.Consumers, default);

        await Secrets.Poll.UntilAsync(() => Enumerable.Range(0, 3).All(i => Volatile.Read(ref heard[i]) == 1), TimeSpan.FromSeconds(1));
        foreach (var s in subscriptions) s.Dispose();
    }
}
