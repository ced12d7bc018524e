using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.Files;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Network;
using Tokengate.Proxy;
using Tokengate.Secrets;

namespace Tokengate.IntegrationTests.Files;

/// <summary>
/// The contract on <see cref="AzureBlobStore"/> against the Azurite blob service that <c>./test.sh</c> starts, each test
/// in a container of its own, connected the way the gateway connects: a secret reference to the connection string
/// and every request through the <see cref="OutboundHttpClient"/>.
/// </summary>
public sealed class AzureBlobStoreTests : BlobStoreContractTests
{
    private readonly string _container = "test-" + Guid.NewGuid().ToString("N");
    private OutboundHttpClient _outbound = null!;
    private BlobContainerClient _client = null!;
    private AzureBlobStore _store = null!;

    private protected override IBlobStore Store => _store;

    public override Task InitializeAsync()
    {
        _ = TestAzurite.ConnectionString;  // a clear failure when ./test.sh did not start Azurite
        _outbound = Outbound(["127.0.0.1", "localhost"]);
        _client = AzureBlobStore.Connect(Options(), new EnvironmentSecretResolver(), _outbound);
        _store = new AzureBlobStore(_client, TimeProvider.System);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await _client.DeleteIfExistsAsync();
        _outbound.Dispose();
    }

    private AzureBlobOptions Options(string? serviceVersion = null) =>
        new() { ConnectionString = TestAzurite.Reference, Container = _container, ServiceVersion = serviceVersion };

    private static OutboundHttpClient Outbound(string[] allowedHosts) =>
        new(TimeSpan.FromSeconds(5), OutboundAllowlist.FromPatterns(allowedHosts), NullLogger<OutboundHttpClient>.Instance);

    [Fact]
    public async Task Store_CreatesItsContainerOnFirstUse()
    {
        Assert.False(await _client.ExistsAsync());

        await _store.WriteAsync("first", Text("x"), default);

        Assert.True(await _client.ExistsAsync());
    }

    [Fact]
    public async Task Connect_PinnedServiceVersion_SpeaksThatVersion()
    {
        var pinned = new AzureBlobStore(AzureBlobStore.Connect(Options(AzureBlobStore.EmulatorServiceVersion), new EnvironmentSecretResolver(), _outbound), TimeProvider.System);

        await pinned.WriteAsync("pinned", Text("older version"), default);
        await using var stream = await pinned.OpenReadAsync("pinned", default);

        Assert.NotNull(stream);
        Assert.Equal("older version", await ReadTextAsync("pinned"));
    }

    [Fact]
    public async Task Requests_ToAHostOffTheOutboundAllowlist_AreRefused()
    {
        using var outbound = Outbound(["storage.example.com"]);
        var refused = new AzureBlobStore(AzureBlobStore.Connect(Options(), new EnvironmentSecretResolver(), outbound), TimeProvider.System);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => refused.WriteAsync("refused", Text("x"), default));

        var chain = new List<Exception>();
        for (Exception? e = error; e is not null; e = e.InnerException) chain.Add(e);
        if (error is AggregateException aggregate) chain.AddRange(aggregate.Flatten().InnerExceptions);
        Assert.Contains(chain, e => e is OutboundHostNotAllowedException);
    }
}
