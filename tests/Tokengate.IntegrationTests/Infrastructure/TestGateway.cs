using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Hosting;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// A gateway on a free loopback port with the configuration a test gives it, its own data folder (removed on
/// dispose), optionally a test clock, and a plain HTTP client on it.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly DirectoryInfo _data;

    private TestGateway(GatewayServer server, DirectoryInfo data)
    {
        Server = server;
        _data = data;
        Client = new HttpClient { BaseAddress = server.Endpoint };
    }

    public GatewayServer Server { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => Server.App.Services;

    /// <summary>The gateway's data folder (its SQLite database, ledger included).</summary>
    public DirectoryInfo Data => _data;

    public static async Task<TestGateway> StartAsync(IDictionary<string, string?> configuration, TimeProvider? time = null)
    {
        var data = Directory.CreateTempSubdirectory("tokengate-gateway-");
        var settings = new Dictionary<string, string?>(configuration) { ["Tokengate:Data:Directory"] = data.FullName };
        var server = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            if (time is not null) b.Services.AddSingleton(time);
        });
        return new TestGateway(server, data);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
