using System.Net;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>The budget scripts against a real Redis, with two or more store instances acting as a fleet on one fake clock.</summary>
public sealed class RedisBudgetStoreTests
{
    // Ahead of the real clock: Redis expires keys by its own clock, and the stores set them to expire after the period.
    private static readonly DateTimeOffset Start = new(2030, 1, 15, 9, 0, 0, TimeSpan.Zero);
    private static readonly Consumer App = new("app", "team", new HashSet<string> { "consumer" });
    private static readonly Consumer Other = new("other", null, new HashSet<string> { "consumer" });

    private static string Prefix() => $"tg-test-{Guid.NewGuid():N}:";

    private static BudgetsOptions Budgets(BudgetOptions own, BudgetOptions? group = null)
    {
        var options = new BudgetsOptions();
        options.Consumers["app"] = [own];
        if (group is not null) options.Groups["team"] = [group];
        return options;
    }

    private static BudgetOptions Tokens(decimal amount, BudgetAction action = BudgetAction.Block, int throttle = 1, params int[] alerts) => new()
    {
        Period = BudgetPeriod.Daily, Unit = BudgetUnit.Tokens, Amount = amount, OverBudget = action, ThrottleRequestsPerMinute = throttle, AlertPercents = [.. alerts],
    };

    private static async Task SpendAsync(RedisBudgetInstance instance, BudgetsOptions options, long tokens)
    {
        var admission = await instance.Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.NotNull(admission.SharedId);
        await instance.Store.SettleAsync(admission, 0m, tokens, default);
    }

    [Fact]
    public async Task Admit_SpentPlusReservedReachesTheAmount_BlocksOnEveryInstance_AndASettleFreesTheDifference()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        await using var a = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        await using var b = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        var options = Budgets(Tokens(100));

        var first = await a.Store.AdmitAsync(App, options, 0m, 60, default);
        Assert.NotNull(first.SharedId);
        var second = await b.Store.AdmitAsync(App, options, 0m, 30, default);
        Assert.Null(second.Blocking);
        var third = await a.Store.AdmitAsync(App, options, 0m, 30, default);  // 90 reserved: still below 100
        Assert.Null(third.Blocking);

        var blocked = await b.Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.Equal("consumer:app:daily:tokens", blocked.Blocking?.Key);
        Assert.Equal(new DateTimeOffset(2030, 1, 16, 0, 0, 0, TimeSpan.Zero), blocked.ResetsAt);
        Assert.Empty(blocked.Holds);

        // The first request used 10 of its 60: the other 50 are free for the fleet at once.
        await a.Store.SettleAsync(first, 0m, 10, default);
        var after = await b.Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.Null(after.Blocking);
        var view = Assert.Single(b.Store.Describe());
        Assert.Equal((10m, 61m), (view.Spent, view.Reserved));
    }

    [Fact]
    public async Task Admit_ThrottleBudgetsSpent_AdmitsNamingTheStrictest_ReservesInAll_AndABlockBudgetRefuses()
    {
        var time = new FakeTimeProvider(Start);
        await using var a = await RedisBudgetInstance.StartAsync(TestRedis.Shared, Prefix(), time);
        var throttled = Budgets(Tokens(10, BudgetAction.Throttle, throttle: 5), Tokens(10, BudgetAction.Throttle, throttle: 2));
        await SpendAsync(a, throttled, 20);

        var admission = await a.Store.AdmitAsync(App, throttled, 0m, 3, default);
        Assert.Null(admission.Blocking);
        Assert.Equal("group:team:daily:tokens", admission.Throttling?.Key);
        Assert.Equal(2, admission.Holds.Count);
        Assert.All(a.Store.Describe(), s => Assert.Equal(3m, s.Reserved));
        await a.Store.SettleAsync(admission, 0m, 0, default);

        var blocking = Budgets(Tokens(10, BudgetAction.Throttle, throttle: 5), Tokens(10));
        var refused = await a.Store.AdmitAsync(App, blocking, 0m, 3, default);
        Assert.Equal("group:team:daily:tokens", refused.Blocking?.Key);
        Assert.Empty(refused.Holds);
    }

    [Fact]
    public async Task Settle_UsdBudget_AddsTheActualCostExactly_AndReleasesTheEstimate()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        await using var a = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        await using var b = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        var options = Budgets(new BudgetOptions { Period = BudgetPeriod.Monthly, Amount = 0.01m });

        var admission = await a.Store.AdmitAsync(App, options, 0.004m, 500, default);
        await a.Store.SettleAsync(admission, 0.0012345m, 400, default);
        var spent = Assert.Single(a.Store.Describe());
        Assert.Equal((0.0012345m, 0m), (spent.Spent, spent.Reserved));
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), spent.PeriodStart);

        await b.Store.SettleAsync(await b.Store.AdmitAsync(App, options, 0.001m, 100, default), 0.0000001m, 100, default);
        Assert.Equal(0.0012346m, Assert.Single(b.Store.Describe()).Spent);
    }

    [Fact]
    public async Task Settle_ThresholdsCrossedByConcurrentSettlesOnTwoInstances_EachAlertIsQueuedOnceForTheFleet()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        await using var a = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        await using var b = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
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
    public async Task Admit_NextPeriod_StartsAtZero_AndKeysExpireAnHourAfterTheirPeriod()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        await using var a = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        var options = Budgets(Tokens(100, alerts: [50]));
        await SpendAsync(a, options, 99);
        Assert.Single(a.DrainAlerts());
        var last = await a.Store.AdmitAsync(App, options, 0m, 1, default);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        var hash = $"{prefix}budget:consumer:app:daily:tokens:2030-01-15";
        var expected = new DateTimeOffset(2030, 1, 16, 1, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(expected, (long)await redis.GetDatabase().ExecuteAsync("PEXPIRETIME", hash));
        Assert.Equal(expected, (long)await redis.GetDatabase().ExecuteAsync("PEXPIRETIME", hash + ":holds"));
        await a.Store.SettleAsync(last, 0m, 1, default);
        Assert.NotNull((await a.Store.AdmitAsync(App, options, 0m, 1, default)).Blocking);

        time.Advance(TimeSpan.FromDays(1));
        var admission = await a.Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.Null(admission.Blocking);
        await a.Store.SettleAsync(admission, 0m, 60, default);
        var state = Assert.Single(a.Store.Describe());
        Assert.Equal((60m, new DateTimeOffset(2030, 1, 16, 0, 0, 0, TimeSpan.Zero)), (state.Spent, state.PeriodStart));
        Assert.Equal(50, Assert.Single(a.DrainAlerts()).ThresholdPercent);  // the new period's own alert
    }

    [Fact]
    public async Task Admit_ReservationOfAnInstanceThatDied_IsDroppedOnceItsLifetimePassed()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        await using var dead = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time, reservationLifetime: TimeSpan.FromSeconds(1));
        await using var live = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time, reservationLifetime: TimeSpan.FromSeconds(1));
        var options = Budgets(Tokens(100));

        var abandoned = await dead.Store.AdmitAsync(App, options, 0m, 100, default);
        Assert.NotNull(abandoned.SharedId);
        Assert.NotNull((await live.Store.AdmitAsync(App, options, 0m, 1, default)).Blocking);

        time.Advance(TimeSpan.FromMilliseconds(1001));
        var admitted = await live.Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.Null(admitted.Blocking);
        Assert.Equal(1m, Assert.Single(live.Store.Describe()).Reserved);

        // A settle that arrives after its reservation was dropped adds its spend and releases nothing twice.
        await dead.Store.SettleAsync(abandoned, 0m, 50, default);
        await live.Store.SettleAsync(admitted, 0m, 1, default);
        var state = Assert.Single(live.Store.Describe());
        Assert.Equal((51m, 0m), (state.Spent, state.Reserved));
    }

    [Fact]
    public async Task Seed_OnlyIfAbsent_TheFirstInstanceSeeds_LaterOnesKeepTheLiveSpend_AndFiredThresholdsStayFired()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        var budget = Tokens(100, alerts: [50, 90]);
        var options = Budgets(budget);
        await using var first = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        await first.Store.SeedAsync([new BudgetSeed("consumer", "app", budget, 30, [50])], default);
        Assert.Equal(30m, Assert.Single(first.Store.Describe()).Spent);
        await SpendAsync(first, options, 25);
        Assert.Empty(first.DrainAlerts());  // 50% fired before the restart

        // A later instance reads an older ledger figure; the live 55 stays.
        await using var later = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        await later.Store.SeedAsync([new BudgetSeed("consumer", "app", budget, 30, [])], default);
        Assert.Equal(55m, Assert.Single(later.Store.Describe()).Spent);
        await SpendAsync(later, options, 40);
        Assert.Equal(90, Assert.Single(later.DrainAlerts()).ThresholdPercent);
        Assert.Empty(first.DrainAlerts());
    }

    [Fact]
    public async Task Admit_NoBudgetForTheConsumer_AnswersWithoutTouchingRedis()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        await using var a = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time);
        Assert.Same(BudgetAdmission.None, await a.Store.AdmitAsync(Other, Budgets(Tokens(100)), 1m, 100, default));
        Assert.Same(BudgetAdmission.None, await a.Store.AdmitAsync(Other, new BudgetsOptions(), 1m, 100, default));
        await a.Store.SettleAsync(BudgetAdmission.None, 1m, 100, default);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        var server = redis.GetServers().Single();
        Assert.Equal([prefix + "budget:epoch"], server.Keys(pattern: prefix + "*").Select(k => k.ToString()));
        Assert.Empty(a.Store.Describe());
    }

    [Fact]
    public async Task Admit_RedisUnreachable_AdmitsAgainstThisInstancesShareOfWhatIsLeft_AndTheSpendReachesRedisAfterwards()
    {
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        var shared = TestRedis.Shared.Split(':');
        await using var link = new TcpForwarder(new IPEndPoint(IPAddress.Parse(shared[0]), int.Parse(shared[1], System.Globalization.CultureInfo.InvariantCulture)));
        await using var cut = await RedisBudgetInstance.StartAsync($"127.0.0.1:{link.Port}", prefix, time, instances: 2);
        await using var other = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time, instances: 2);
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
        var time = new FakeTimeProvider(Start);
        var prefix = Prefix();
        var budget = Tokens(100);
        var options = Budgets(budget);
        await using var a = await RedisBudgetInstance.StartAsync(TestRedis.Shared, prefix, time, instances: 2);
        var asked = 0;
        a.Store.SeedNeeded += () => Interlocked.Increment(ref asked);
        await SpendAsync(a, options, 40);

        // As after a restart without persistence.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared))
        {
            foreach (var key in redis.GetServers().Single().Keys(pattern: prefix + "*").ToList()) await redis.GetDatabase().KeyDeleteAsync(key);
        }

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
