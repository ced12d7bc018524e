using Tokengate.State;

namespace Tokengate.IntegrationTests.State;

/// <summary>The change notifier contract on <see cref="InMemoryStateChangeNotifier"/>, which reaches this instance only, at once.</summary>
public sealed class InMemoryStateChangeNotifierTests : StateChangeNotifierContractTests
{
    private readonly InMemoryStateChangeNotifier _notifier = new();

    private protected override IStateChangeNotifier Notifier => _notifier;

    public override Task InitializeAsync() => Task.CompletedTask;

    public override Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Publish_RaisesEachSubscriberOfTheTopicOnce_BeforeItReturns()
    {
        int keys = 0, roles = 0;
        using var toKeys = Notifier.Subscribe("keys", () => keys++);
        using var toRoles = Notifier.Subscribe("roles", () => roles++);

        await Notifier.PublishAsync("keys", default);
        Assert.Equal((1, 0), (keys, roles));
        await Notifier.PublishAsync("keys", default);
        await Notifier.PublishAsync("roles", default);
        Assert.Equal((2, 1), (keys, roles));
    }
}
