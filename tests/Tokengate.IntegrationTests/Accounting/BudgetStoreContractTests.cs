using Microsoft.Extensions.Time.Testing;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>
/// What every <see cref="IBudgetStore"/> promises, run against each implementation by the classes that derive from this
/// one (in memory; Redis). Every test gets a fresh store, with its own alert queue, on a fake clock.
/// <para>
/// A case reads <see cref="IBudgetStore.Describe"/> only after the changes whose figures it checks: the Redis store's
/// first read starts a background re-read of the shared spend, and a re-read that went out before a later settle can
/// land after it and put the older figure back into the view (a race in <see cref="RedisBudgetStore"/>, not a promise).
/// </para>
/// </summary>
public abstract class BudgetStoreContractTests : IAsyncLifetime
{
    /// <summary>Ahead of the real clock: Redis expires budget keys by its own clock, an hour after their period.</summary>
    private protected static readonly DateTimeOffset T0 = new(2030, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private protected static readonly DateTimeOffset Today = new(2030, 1, 15, 0, 0, 0, TimeSpan.Zero);

    private protected static readonly DateTimeOffset Tomorrow = new(2030, 1, 16, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Consumer <c>app</c> of group <c>team</c>.</summary>
    private protected static readonly Consumer App = new("app", "team", new HashSet<string> { "consumer" });

    /// <summary>Another consumer of group <c>team</c>, without a budget of its own.</summary>
    private protected static readonly Consumer Mate = new("mate", "team", new HashSet<string> { "consumer" });

    private protected static readonly Consumer Other = new("other", null, new HashSet<string> { "consumer" });

    private protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The store under test.</summary>
    private protected abstract IBudgetStore Store { get; }

    /// <summary>The threshold alerts the store queued since the last call.</summary>
    private protected abstract List<BudgetAlert> DrainAlerts();

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Budgets of consumer <c>app</c> (<paramref name="own"/>) and of its group (<paramref name="group"/>).</summary>
    private protected static BudgetsOptions Budgets(BudgetOptions? own, BudgetOptions? group = null)
    {
        var options = new BudgetsOptions();
        if (own is not null) options.Consumers["app"] = [own];
        if (group is not null) options.Groups["team"] = [group];
        return options;
    }

    private protected static BudgetOptions Tokens(decimal amount, BudgetAction action = BudgetAction.Block, int throttle = 1, params int[] alerts) => new()
    {
        Period = BudgetPeriod.Daily, Unit = BudgetUnit.Tokens, Amount = amount, OverBudget = action, ThrottleRequestsPerMinute = throttle, AlertPercents = [.. alerts],
    };

    /// <summary>One request of <paramref name="consumer"/> that is admitted (estimate 1 token) and settles to <paramref name="tokens"/>.</summary>
    private protected async Task SpendAsync(BudgetsOptions options, long tokens, Consumer? consumer = null)
    {
        var admission = await Store.AdmitAsync(consumer ?? App, options, 0m, 1, default);
        Assert.Null(admission.Blocking);
        await Store.SettleAsync(admission, 0m, tokens, default);
    }

    [Fact]
    public async Task Admit_NoBudgetForTheConsumer_ReturnsNone_AndTracksNothing()
    {
        Assert.Same(BudgetAdmission.None, await Store.AdmitAsync(Other, Budgets(Tokens(100)), 1m, 100, default));
        Assert.Same(BudgetAdmission.None, await Store.AdmitAsync(App, new BudgetsOptions(), 1m, 100, default));
        await Store.SettleAsync(BudgetAdmission.None, 1m, 100, default);

        Assert.Empty(Store.Describe());
    }

    [Fact]
    public async Task Admit_SpentPlusReservedReachesTheAmount_BlocksUntilTheNextPeriod_AndASettleBelowTheEstimateFreesTheDifference()
    {
        var options = Budgets(Tokens(100));
        var first = await Store.AdmitAsync(App, options, 0m, 60, default);
        var second = await Store.AdmitAsync(App, options, 0m, 60, default);  // 60 reserved is below 100: the last one may cross it
        Assert.Null(first.Blocking);
        Assert.Null(second.Blocking);
        Assert.Equal([("consumer:app:daily:tokens", Today, 60m)], second.Holds.Select(h => (h.Budget.Key, h.PeriodStart, h.Amount)));

        var blocked = await Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.Equal("consumer:app:daily:tokens", blocked.Blocking?.Key);
        Assert.Equal("daily budget of consumer 'app' (100 tokens)", blocked.Blocking?.Label);
        Assert.Equal(Tomorrow, blocked.ResetsAt);
        Assert.Empty(blocked.Holds);
        Assert.Null(blocked.Throttling);

        await Store.SettleAsync(first, 0m, 10, default);
        await Store.SettleAsync(second, 0m, 10, default);
        Assert.Null((await Store.AdmitAsync(App, options, 0m, 60, default)).Blocking);
        var state = Assert.Single(Store.Describe());
        Assert.Equal((20m, 60m), (state.Spent, state.Reserved));
    }

    [Fact]
    public async Task Admit_SpentThrottleBudgets_AdmitsNamingTheStrictest_ReservingInEveryBudget_AndABlockBudgetStillRefuses()
    {
        var throttled = Budgets(Tokens(10, BudgetAction.Throttle, throttle: 5), Tokens(10, BudgetAction.Throttle, throttle: 2));
        await SpendAsync(throttled, 20);

        var admission = await Store.AdmitAsync(App, throttled, 0m, 3, default);
        Assert.Null(admission.Blocking);
        Assert.Equal("group:team:daily:tokens", admission.Throttling?.Key);
        Assert.Equal(["consumer:app:daily:tokens", "group:team:daily:tokens"], admission.Holds.Select(h => h.Budget.Key));
        Assert.All(Store.Describe(), s => Assert.Equal((20m, 3m), (s.Spent, s.Reserved)));
        await Store.SettleAsync(admission, 0m, 0, default);

        var blocking = Budgets(Tokens(10, BudgetAction.Throttle, throttle: 5), Tokens(10));
        var refused = await Store.AdmitAsync(App, blocking, 0m, 3, default);
        Assert.Equal("group:team:daily:tokens", refused.Blocking?.Key);
        Assert.Empty(refused.Holds);
    }

    [Fact]
    public async Task Admit_OneBudgetBlocks_NothingIsReservedInTheOthers()
    {
        var both = Budgets(Tokens(10), Tokens(10));
        await SpendAsync(both, 10, Mate);  // the group's budget is spent; app's own is untouched

        Assert.Equal("group:team:daily:tokens", (await Store.AdmitAsync(App, both, 0m, 10, default)).Blocking?.Key);

        // Had the refused request reserved its 10 in app's own budget, that budget would now be full.
        var own = Budgets(Tokens(10));
        var admitted = await Store.AdmitAsync(App, own, 0m, 1, default);
        Assert.Null(admitted.Blocking);
        Assert.Equal(0m, Store.Describe().Single(s => s.Key == "consumer:app:daily:tokens").Spent);
    }

    [Fact]
    public async Task Admit_ManyConcurrently_AdmitsOnlyWhileSpentPlusReservedIsBelowTheAmount()
    {
        var options = Budgets(Tokens(100));

        var admissions = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Store.AdmitAsync(App, options, 0m, 10, default).AsTask()));

        var admitted = admissions.Where(a => a.Blocking is null).ToList();
        Assert.Equal(10, admitted.Count);
        Assert.All(admissions.Where(a => a.Blocking is not null), a => Assert.Empty(a.Holds));
        Assert.NotNull((await Store.AdmitAsync(App, options, 0m, 0, default)).Blocking);

        // Settled to nothing (they never ran): every estimate comes back.
        await Task.WhenAll(admitted.Select(a => Store.SettleAsync(a, 0m, 0, default).AsTask()));
        Assert.Null((await Store.AdmitAsync(App, options, 0m, 99, default)).Blocking);
    }

    [Fact]
    public async Task Settle_UsdBudget_AddsTheActualCostExactly_AndReleasesTheEstimate()
    {
        var options = Budgets(new BudgetOptions { Period = BudgetPeriod.Monthly, Amount = 0.01m });

        var admission = await Store.AdmitAsync(App, options, 0.004m, 500, default);
        Assert.Equal(0.004m, Assert.Single(admission.Holds).Amount);
        await Store.SettleAsync(admission, 0.0012345m, 400, default);
        await Store.SettleAsync(await Store.AdmitAsync(App, options, 0.001m, 100, default), 0.0000001m, 100, default);

        var spent = Assert.Single(Store.Describe());
        Assert.Equal((0.0012346m, 0m), (spent.Spent, spent.Reserved));
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), spent.PeriodStart);
        Assert.Equal("monthly budget of consumer 'app' (0.01 USD)", spent.Label);
    }

    [Fact]
    public async Task Settle_CrossingThresholds_QueuesEachAlertOncePerPeriod_WithTheSpendThatCrossedIt()
    {
        var options = Budgets(Tokens(100, alerts: [50, 90]));
        await SpendAsync(options, 55);
        await SpendAsync(options, 1);
        await SpendAsync(options, 40);
        await SpendAsync(options, 10);

        var alerts = DrainAlerts();
        Assert.Equal([(50, 55m), (90, 96m)], alerts.Select(a => (a.ThresholdPercent, a.Spent)));
        Assert.All(alerts, a =>
        {
            Assert.Equal(("consumer:app:daily:tokens", "daily budget of consumer 'app' (100 tokens)"), (a.BudgetKey, a.Label));
            Assert.Equal((BudgetPeriod.Daily, Today, 100m, BudgetUnit.Tokens, T0), (a.Period, a.PeriodStart, a.Amount, a.Unit, a.At));
        });
    }

    [Fact]
    public async Task Settle_ManyConcurrently_QueuesEachAlertOnce()
    {
        var options = Budgets(Tokens(1000, alerts: [50, 75]));

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => SpendAsync(options, 20)));

        var alerts = DrainAlerts().OrderBy(a => a.ThresholdPercent).ToList();
        Assert.Equal([50, 75], alerts.Select(a => a.ThresholdPercent));
        Assert.InRange(alerts[0].Spent, 500, 519);
        Assert.InRange(alerts[1].Spent, 750, 769);
        await SpendAsync(options, 10);
        Assert.Empty(DrainAlerts());
        Assert.Equal(810m, Assert.Single(Store.Describe()).Spent);
    }

    [Fact]
    public async Task Admit_NextPeriod_StartsFromZero_WithItsOwnAlerts()
    {
        var options = Budgets(Tokens(100, alerts: [50]));
        await SpendAsync(options, 99);
        Assert.Single(DrainAlerts());
        await SpendAsync(options, 1);
        Assert.NotNull((await Store.AdmitAsync(App, options, 0m, 1, default)).Blocking);

        Time.SetUtcNow(Tomorrow);
        var state = Assert.Single(Store.Describe());
        Assert.Equal((0m, 0m, Tomorrow), (state.Spent, state.Reserved, state.PeriodStart));
        var admission = await Store.AdmitAsync(App, options, 0m, 1, default);
        Assert.Null(admission.Blocking);
        Assert.Equal(Tomorrow, Assert.Single(admission.Holds).PeriodStart);
        await Store.SettleAsync(admission, 0m, 60, default);

        var alert = Assert.Single(DrainAlerts());
        Assert.Equal((50, Tomorrow, 60m), (alert.ThresholdPercent, alert.PeriodStart, alert.Spent));
    }

    [Fact]
    public async Task Settle_AfterItsPeriodEnded_AddsTheSpendToTheCurrentPeriod_AndReservesNothingThere()
    {
        var options = Budgets(Tokens(100));
        var admission = await Store.AdmitAsync(App, options, 0m, 30, default);

        Time.SetUtcNow(Tomorrow.AddMinutes(1));
        await Store.SettleAsync(admission, 0m, 20, default);

        var state = Assert.Single(Store.Describe());
        Assert.Equal((20m, 0m, Tomorrow), (state.Spent, state.Reserved, state.PeriodStart));
        var next = await Store.AdmitAsync(App, options, 0m, 80, default);
        Assert.Null(next.Blocking);
        Assert.NotNull((await Store.AdmitAsync(App, options, 0m, 1, default)).Blocking);
    }

    [Fact]
    public async Task Seed_SetsTheSpendOfTheCurrentPeriod_AndThresholdsAlreadyFiredDoNotFireAgain()
    {
        var budget = Tokens(100, alerts: [50, 90]);
        var options = Budgets(budget);
        await Store.SeedAsync([new BudgetSeed("consumer", "app", budget, 60, [50])], default);

        await SpendAsync(options, 5);
        Assert.Empty(DrainAlerts());
        var state = Assert.Single(Store.Describe());
        Assert.Equal((65m, Today), (state.Spent, state.PeriodStart));

        await SpendAsync(options, 30);
        var alert = Assert.Single(DrainAlerts());
        Assert.Equal((90, 95m), (alert.ThresholdPercent, alert.Spent));
    }

    [Fact]
    public async Task Describe_ReturnsCopies_ThatLaterSettlesDoNotChange()
    {
        var options = Budgets(Tokens(100));
        var admission = await Store.AdmitAsync(App, options, 0m, 10, default);
        var before = Assert.Single(Store.Describe());

        // Settled without spend (the request never ran), so no re-read can show an older spend (see the summary).
        await Store.SettleAsync(admission, 0m, 0, default);

        Assert.Equal((0m, 10m), (before.Spent, before.Reserved));
        var after = Assert.Single(Store.Describe());
        Assert.NotSame(before, after);
        Assert.Equal((0m, 0m), (after.Spent, after.Reserved));
    }
}
