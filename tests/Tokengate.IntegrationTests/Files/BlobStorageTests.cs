using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tokengate.Files;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Network;
using Tokengate.Proxy;
using Tokengate.Secrets;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Files;

/// <summary><see cref="BlobStorage.AddBlobStorage"/>: the store <c>Tokengate:Files:Store</c> names, built as the gateway builds it.</summary>
public sealed class BlobStorageTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "tokengate-data-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["Tokengate:Data:Directory"] = _data;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ISecretResolver, EnvironmentSecretResolver>();
        services.AddSingleton(new OutboundHttpClient(TimeSpan.FromSeconds(5), OutboundAllowlist.FromPatterns(["127.0.0.1"]), NullLogger<OutboundHttpClient>.Instance));
        services.AddOptions<DataOptions>().Configure(o => configuration.GetSection(DataOptions.SectionName).Bind(o));
        services.AddBlobStorage(configuration);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    [Fact]
    public void Default_IsAFolderNamedBlobsInTheDataFolder()
    {
        var store = Build([]).GetRequiredService<IBlobStore>();

        var folder = Assert.IsType<FolderBlobStore>(store);
        Assert.Equal(Path.GetFullPath(Path.Combine(_data, "blobs")), folder.Root);
    }

    [Fact]
    public void Folder_IsTheConfiguredFolder()
    {
        var store = Build(new() { ["Tokengate:Files:Folder"] = Path.Combine(_data, "elsewhere") }).GetRequiredService<IBlobStore>();

        Assert.Equal(Path.GetFullPath(Path.Combine(_data, "elsewhere")), Assert.IsType<FolderBlobStore>(store).Root);
    }

    [Fact]
    public async Task AzureBlob_WithAConnectionStringReference_StoresInThatContainer()
    {
        _ = TestAzurite.ConnectionString;
        var container = "registered-" + Guid.NewGuid().ToString("N")[..16];
        var provider = Build(new()
        {
            ["Tokengate:Files:Store"] = "AzureBlob",
            ["Tokengate:Files:AzureBlob:ConnectionString"] = TestAzurite.Reference,
            ["Tokengate:Files:AzureBlob:Container"] = container,
        });
        var store = Assert.IsType<AzureBlobStore>(provider.GetRequiredService<IBlobStore>());

        await store.WriteAsync("registered", new MemoryStream(Encoding.UTF8.GetBytes("through the registration")), default);
        await using var read = await store.OpenReadAsync("registered", default);
        using var reader = new StreamReader(read!);

        Assert.Equal("through the registration", await reader.ReadToEndAsync());
        await AzureBlobStore.Connect(provider.GetRequiredService<IOptions<FilesOptions>>().Value.AzureBlob, new EnvironmentSecretResolver(), provider.GetRequiredService<OutboundHttpClient>())
            .DeleteIfExistsAsync();
    }

    [Fact]
    public void AzureBlob_WithoutConnectionStringOrServiceUri_FailsValidationNamingThePath()
    {
        var provider = Build(new() { ["Tokengate:Files:Store"] = "AzureBlob" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FilesOptions>>().Value);

        Assert.Contains("Tokengate:Files:AzureBlob:", error.Message, StringComparison.Ordinal);
    }
}
