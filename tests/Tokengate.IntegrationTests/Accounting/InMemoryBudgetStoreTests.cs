using Tokengate.Accounting;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>The budget contract on <see cref="InMemoryBudgetStore"/>, and the instance's share it keeps as the Redis store's fallback.</summary>
public sealed class InMemoryBudgetStoreTests : BudgetStoreContractTests
{
    private readonly BudgetAlertQueue _alerts = new();
    private InMemoryBudgetStore _store = null!;

    private protected override IBudgetStore Store => _store;

    private protected override List<BudgetAlert> DrainAlerts()
    {
        var list = new List<BudgetAlert>();
        while (_alerts.Reader.TryRead(out var alert)) list.Add(alert);
        return list;
    }

    public override Task InitializeAsync()
    {
        _store = new InMemoryBudgetStore(Time, _alerts);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Admit_WithAnInstanceShare_AdmitsAgainstTheAmountDividedByTheShare_AndQueuesNoAlerts()
    {
        var store = new InMemoryBudgetStore(Time, alerts: null, share: 4);
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
}
