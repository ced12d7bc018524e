using Microsoft.Extensions.Time.Testing;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Accounting;

public sealed class InMemoryBudgetStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private static readonly Consumer App = new("app", "team", new HashSet<string> { "consumer" });
    private static readonly Consumer Other = new("other", null, new HashSet<string> { "consumer" });

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

    [Fact]
    public async Task AdmitAsync_NoBudgetForTheConsumer_ReturnsNoneWithoutTrackingAnything()
    {
        var store = new InMemoryBudgetStore(_time, new BudgetAlertQueue());
        var admission = await store.AdmitAsync(Other, Budgets(Tokens(100)), 1m, 50, default);
        Assert.Same(BudgetAdmission.None, admission);
        Assert.Empty(store.Describe());
    }

    [Fact]
    public async Task AdmitAsync_SpentPlusReservedReachesTheAmount_BlocksUntilTheNextPeriod()
    {
        var store = new InMemoryBudgetStore(_time, new BudgetAlertQueue());
        var options = Budgets(Tokens(100));
        var first = await store.AdmitAsync(App, options, 0m, 60, default);
        var second = await store.AdmitAsync(App, options, 0m, 60, default);
        Assert.Null(second.Blocking);

        var blocked = await store.AdmitAsync(App, options, 0m, 60, default);
        Assert.Equal("consumer:app:daily:tokens", blocked.Blocking?.Key);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), blocked.ResetsAt);
        Assert.Empty(blocked.Holds);

        // Settling below the estimate frees the difference at once.
        await store.SettleAsync(first, 0m, 10, default);
        await store.SettleAsync(second, 0m, 10, default);
        Assert.Null((await store.AdmitAsync(App, options, 0m, 60, default)).Blocking);
        var state = Assert.Single(store.Describe());
        Assert.Equal(20, state.Spent);
        Assert.Equal(60, state.Reserved);
    }

    [Fact]
    public async Task AdmitAsync_SpentThrottleBudgets_AdmitsAndNamesTheStrictest_ReservingInEveryBudget()
    {
        var store = new InMemoryBudgetStore(_time, new BudgetAlertQueue());
        var options = Budgets(Tokens(10, BudgetAction.Throttle, throttle: 5), Tokens(10, BudgetAction.Throttle, throttle: 2));
        await store.SettleAsync(await store.AdmitAsync(App, options, 0m, 5, default), 0m, 20, default);

        var throttled = await store.AdmitAsync(App, options, 0m, 5, default);
        Assert.Null(throttled.Blocking);
        Assert.Equal("group:team:daily:tokens", throttled.Throttling?.Key);
        Assert.Equal(2, throttled.Holds.Count);
    }

    [Fact]
    public async Task SettleAsync_CrossingThresholds_QueuesEachAlertOncePerPeriod()
    {
        var alerts = new BudgetAlertQueue();
        var store = new InMemoryBudgetStore(_time, alerts);
        var options = Budgets(Tokens(100, alerts: [50, 90]));
        await store.SettleAsync(await store.AdmitAsync(App, options, 0m, 10, default), 0m, 55, default);
        await store.SettleAsync(await store.AdmitAsync(App, options, 0m, 10, default), 0m, 1, default);
        await store.SettleAsync(await store.AdmitAsync(App, options, 0m, 10, default), 0m, 40, default);

        Assert.True(alerts.Reader.TryRead(out var fifty));
        Assert.Equal((50, 55m), (fifty.ThresholdPercent, fifty.Spent));
        Assert.True(alerts.Reader.TryRead(out var ninety));
        Assert.Equal((90, 96m), (ninety.ThresholdPercent, ninety.Spent));
        Assert.False(alerts.Reader.TryRead(out _));

        // A new day starts at zero, with its own alerts.
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, Assert.Single(store.Describe()).Spent);
        await store.SettleAsync(await store.AdmitAsync(App, options, 0m, 10, default), 0m, 50, default);
        Assert.True(alerts.Reader.TryRead(out var again));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), again.PeriodStart);
    }

    [Fact]
    public async Task SeedAsync_SpendAndFiredThresholds_AreKept_SoARestartDoesNotRepeatAnAlert()
    {
        var alerts = new BudgetAlertQueue();
        var store = new InMemoryBudgetStore(_time, alerts);
        var budget = Tokens(100, alerts: [50, 90]);
        var options = Budgets(budget);
        await store.SeedAsync([new BudgetSeed("consumer", "app", budget, 60, [50])], default);

        await store.SettleAsync(await store.AdmitAsync(App, options, 0m, 10, default), 0m, 5, default);
        Assert.False(alerts.Reader.TryRead(out _));
        Assert.Equal(65, Assert.Single(store.Describe()).Spent);
    }

    [Fact]
    public async Task AdmitAsync_WithAnInstanceShare_AdmitsAgainstTheAmountDividedByTheShare_AndQueuesNoAlerts()
    {
        var store = new InMemoryBudgetStore(_time, alerts: null, share: 4);
        var budget = Tokens(100, alerts: [10]);
        var options = Budgets(budget);
        store.Seed("consumer", "app", budget, 22, []);  // its share is 25

        var admitted = await store.AdmitAsync(App, options, 0m, 3, default);
        Assert.Null(admitted.Blocking);
        var blocked = await store.AdmitAsync(App, options, 0m, 3, default);
        Assert.NotNull(blocked.Blocking);
        Assert.Equal("daily budget of consumer 'app' (100 tokens)", blocked.Blocking.Label);  // the configured amount, not the share
        await store.SettleAsync(admitted, 0m, 3, default);
        Assert.Equal(25, Assert.Single(store.Describe()).Spent);
    }

    [Fact]
    public async Task Describe_ReturnsCopies_ThatLaterSettlesDoNotChange()
    {
        var store = new InMemoryBudgetStore(_time, new BudgetAlertQueue());
        var options = Budgets(Tokens(100));
        var admission = await store.AdmitAsync(App, options, 0m, 10, default);
        var before = Assert.Single(store.Describe());
        await store.SettleAsync(admission, 0m, 7, default);
        Assert.Equal((0m, 10m), (before.Spent, before.Reserved));
        var after = Assert.Single(store.Describe());
        Assert.Equal((7m, 0m), (after.Spent, after.Reserved));
    }
}
