using Tokengate.Routing;

namespace Tokengate.IntegrationTests.Routing;

/// <summary>The backend health contract on <see cref="InMemoryBackendHealth"/>, the view of a single instance.</summary>
public sealed class InMemoryBackendHealthTests : BackendHealthContractTests
{
    private InMemoryBackendHealth _health = null!;

    private protected override IBackendHealth Health => _health;

    public override Task InitializeAsync()
    {
        _health = new InMemoryBackendHealth(Time, () => Forwarding);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;
}
