using Tokengate.Limits;

namespace Tokengate.IntegrationTests.Limits;

/// <summary>The limit contract on <see cref="InMemoryLimitStore"/>, the counters of a single instance.</summary>
public sealed class InMemoryLimitStoreTests : LimitStoreContractTests
{
    private InMemoryLimitStore _store = null!;

    private protected override ILimitStore Store => _store;

    public override Task InitializeAsync()
    {
        _store = new InMemoryLimitStore(Time);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;
}
