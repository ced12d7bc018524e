using System.Net;
using StackExchange.Redis;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>
/// The budget contract on <see cref="RedisBudgetStore"/> over the shared test Redis, plus what Redis adds: two or more
/// store instances under one key prefix acting as a fleet on one fake clock, the keys' expiry, reservations of an
/// instance that died, seeding only where nothing is stored, Redis unreachable and Redis that lost its data.
/// </summary>
public sealed class RedisBudgetStoreTests : BudgetStoreContractTests
{
    private readonly string _prefix = $"tg-test-{Guid.NewGuid():N}:";
    private readonly List<RedisBudgetInstance> _instances = [];
    private RedisBudgetInstance _instance = null!;

    private protected override IBudgetStore Store => _instance.Store;

    private protected override List<BudgetAlert> DrainAlerts() => _instance.DrainAlerts();

    public override async Task InitializeAsync() => _instance = await StartInstanceAsync();

    public override async Task DisposeAsync()
    {
        var failures = _instance.SharedStateFailures;
        foreach (var instance in _instances) await instance.DisposeAsync();
        await RedisStateInstance.ForgetAsync(_prefix);
        // Every case ran on Redis: none fell back to local state.
        Assert.Equal((0L, 0L), failures);
    }

    private async Task<RedisBudgetInstance> StartInstanceAsync(string? endpoint = null, int instances = 1, TimeSpan? reservationLifetime = null)
    {
        var instance = await RedisBudgetInstance.StartAsync(endpoint ?? TestRedis.Shared, _prefix, Time, instances, reservationLifetime);
        _instances.Add(instance);
        return instance;
    }

    private static async Task SpendAsync(RedisBudgetInstance instance, BudgetsOptions options, long tokens)
    {
        var admission = await instance.Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.NotNull(admission.SharedId);
        await instance.Store.SettleAsync(admission, 0m, tokens, default);
    }

    [Fact]
    public async Task Admit_ReservationsOnTwoInstancesAddUp_BlockingBothAtTheAmount_AndASettleOnOneFreesTheDifferenceForTheOther()
    {
        var a = _instance;
        var b = await StartInstanceAsync();
        var options = Budgets(Tokens(100));

        var first = await a.Store.AdmitAsync(App, options, 0m, 60, default);
        Assert.NotNull(first.SharedId);
        Assert.Null((await b.Store.AdmitAsync(App, options, 0m, 30, default)).Blocking);
        Assert.Null((await a.Store.AdmitAsync(App, options, 0m, 30, default)).Blocking);  // 90 reserved: still below 100

        Assert.Equal("consumer:app:daily:tokens", (await b.Store.AdmitAsync(App, options, 0m, 1, default)).Blocking?.Key);

        // The first request used 10 of its 60: the other 50 are free for the fleet at once.
        await a.Store.SettleAsync(first, 0m, 10, default);
        Assert.Null((await b.Store.AdmitAsync(App, options, 0m, 1, default)).Blocking);
        var view = Assert.Single(b.Store.Describe());
        Assert.Equal((10m, 61m), (view.Spent, view.Reserved));
    }

    [Fact]
    public async Task Settle_ThresholdsCrossedByConcurrentSettlesOnTwoInstances_EachAlertIsQueuedOnceForTheFleet()
    {
        var a = _instance;
        var b = await StartInstanceAsync();
        var options = Budgets(Tokens(1000, alerts: [50, 75]));

        // 40 settles of 20 tokens, half on each instance, all at once: 800 tokens, so both thresholds are crossed.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => SpendAsync(i % 2 == 0 ? a : b, options, 20)));

        var alerts = a.DrainAlerts().Concat(b.DrainAlerts()).OrderBy(x => x.ThresholdPercent).ToList();
        Assert.Equal([50, 75], alerts.Select(x => x.ThresholdPercent));
        Assert.All(alerts, x => Assert.Equal("consumer:app:daily:tokens", x.BudgetKey));
        Assert.InRange(alerts[0].Spent, 500, 519);
        Assert.InRange(alerts[1].Spent, 750, 769);

        // Further spend in the same period fires nothing again.
        await SpendAsync(a, options, 10);
        await SpendAsync(b, options, 10);
        Assert.Empty(a.DrainAlerts());
        Assert.Empty(b.DrainAlerts());
    }

    [Fact]
    public async Task Admit_KeysOfABudgetExpireAnHourAfterItsPeriod()
    {
        var options = Budgets(Tokens(100));
        var admission = await Store.AdmitAsync(App, options, 0m, 1, default);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        var hash = $"{_prefix}budget:consumer:app:daily:tokens:2030-01-15";
        var expected = new DateTimeOffset(2030, 1, 16, 1, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(expected, (long)await redis.GetDatabase().ExecuteAsync("PEXPIRETIME", hash));
        Assert.Equal(expected, (long)await redis.GetDatabase().ExecuteAsync("PEXPIRETIME", hash + ":holds"));
        Assert.Equal(1, (long)await redis.GetDatabase().HashGetAsync(hash, "r:" + admission.SharedId));
        await Store.SettleAsync(admission, 0m, 1, default);
        Assert.False(await redis.GetDatabase().HashExistsAsync(hash, "r:" + admission.SharedId));
    }

    [Fact]
    public async Task Admit_NoBudgetForTheConsumer_WritesNothingToRedis()
    {
        await Store.AdmitAsync(Other, Budgets(Tokens(100)), 1m, 100, default);
        await Store.AdmitAsync(App, new BudgetsOptions(), 1m, 100, default);
        await Store.SettleAsync(BudgetAdmission.None, 1m, 100, default);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        Assert.Equal([_prefix + "budget:epoch"], redis.GetServers().Single().Keys(pattern: _prefix + "*").Select(k => k.ToString()));
    }

    [Fact]
    public async Task Admit_ReservationOfAnInstanceThatDied_IsDroppedOnceItsLifetimePassed()
    {
        var dead = await StartInstanceAsync(reservationLifetime: TimeSpan.FromSeconds(1));
        var live = await StartInstanceAsync(reservationLifetime: TimeSpan.FromSeconds(1));
        var options = Budgets(Tokens(100));

        var abandoned = await dead.Store.AdmitAsync(App, options, 0m, 100, default);
        Assert.NotNull(abandoned.SharedId);
        Assert.NotNull((await live.Store.AdmitAsync(App, options, 0m, 1, default)).Blocking);

        Time.Advance(TimeSpan.FromMilliseconds(1001));
        var admitted = await live.Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.Null(admitted.Blocking);  // so the 100 are no longer reserved

        // A settle that arrives after its reservation was dropped adds its spend and releases nothing twice.
        await dead.Store.SettleAsync(abandoned, 0m, 50, default);
        await live.Store.SettleAsync(admitted, 0m, 1, default);
        var state = Assert.Single(live.Store.Describe());
        Assert.Equal((51m, 0m), (state.Spent, state.Reserved));
    }

    [Fact]
    public async Task Seed_OnlyIfAbsent_TheFirstInstanceSeeds_LaterOnesKeepTheLiveSpend_AndFiredThresholdsStayFired()
    {
        var budget = Tokens(100, alerts: [50, 90]);
        var options = Budgets(budget);
        var first = _instance;
        await first.Store.SeedAsync([new BudgetSeed("consumer", "app", budget, 30, [50])], default);
        await SpendAsync(first, options, 25);
        Assert.Empty(first.DrainAlerts());  // 50% fired before the restart

        // A later instance reads an older ledger figure; the live 55 stays.
        var later = await StartInstanceAsync();
        await later.Store.SeedAsync([new BudgetSeed("consumer", "app", budget, 30, [])], default);
        Assert.Equal(55m, Assert.Single(later.Store.Describe()).Spent);
        await SpendAsync(later, options, 40);
        Assert.Equal(90, Assert.Single(later.DrainAlerts()).ThresholdPercent);
        Assert.Empty(first.DrainAlerts());
    }

    [Fact]
    public async Task Admit_RedisUnreachable_AdmitsAgainstThisInstancesShareOfWhatIsLeft_AndTheSpendReachesRedisAfterwards()
    {
        var shared = TestRedis.Shared.Split(':');
        await using var link = new TcpForwarder(new IPEndPoint(IPAddress.Parse(shared[0]), int.Parse(shared[1], System.Globalization.CultureInfo.InvariantCulture)));
        var cut = await StartInstanceAsync($"127.0.0.1:{link.Port}", instances: 2);
        var other = await StartInstanceAsync(instances: 2);
        var options = Budgets(Tokens(100));
        await SpendAsync(cut, options, 40);

        link.Disable();
        await Secrets.Poll.UntilAsync(() => !cut.Redis.IsConnected, TimeSpan.FromSeconds(10));

        // 60 are left for a fleet of two: this instance may use 30 of them on its own.
        var admitted = 0;
        BudgetAdmission admission;
        while ((admission = await cut.Store.AdmitAsync(App, options, 0m, 10, default)).Blocking is null)
        {
            Assert.Null(admission.SharedId);
            await cut.Store.SettleAsync(admission, 0m, 10, default);
            Assert.True(++admitted < 10, "the local share never ran out");
        }
        Assert.Equal(3, admitted);
        Assert.Equal("daily budget of consumer 'app' (100 tokens)", admission.Blocking.Label);
        Assert.Equal(70m, Assert.Single(cut.Store.Describe()).Spent);

        // Meanwhile the rest of the fleet goes on sharing (and cannot see the 30 yet).
        await SpendAsync(other, options, 5);
        Assert.Equal(45m, Assert.Single(other.Store.Describe()).Spent);

        // Back on Redis, the spend settled locally is added with the next shared settle.
        link.Enable();
        await Secrets.Poll.UntilAsync(() => cut.Redis.IsConnected, TimeSpan.FromSeconds(10));
        await SpendAsync(cut, options, 1);
        await SpendAsync(other, options, 1);
        Assert.Equal(77m, Assert.Single(other.Store.Describe()).Spent);
    }

    [Fact]
    public async Task Admit_RedisLostItsData_AdmitsLocallyAndAsksForASeeding_ThenSharesAgainFromTheSeededSpend()
    {
        var budget = Tokens(100);
        var options = Budgets(budget);
        var a = await StartInstanceAsync(instances: 2);
        var asked = 0;
        a.Store.SeedNeeded += () => Interlocked.Increment(ref asked);
        await SpendAsync(a, options, 40);

        await RedisStateInstance.ForgetAsync(_prefix);

        var local = await a.Store.AdmitAsync(App, options, 0m, 5, default);
        Assert.Null(local.SharedId);
        Assert.Null(local.Blocking);
        await a.Store.SettleAsync(local, 0m, 5, default);
        Assert.Null((await a.Store.AdmitAsync(App, options, 0m, 5, default)).SharedId);
        Assert.Equal(1, asked);  // once, however many requests found Redis unseeded within a second

        // The seeding reads the ledger, which by then holds the 45 (so the 5 settled locally are not owed on top).
        await a.Store.SeedAsync([new BudgetSeed("consumer", "app", budget, 45, [])], default);
        await SpendAsync(a, options, 1);
        Assert.Equal(46m, Assert.Single(a.Store.Describe()).Spent);
    }
}
