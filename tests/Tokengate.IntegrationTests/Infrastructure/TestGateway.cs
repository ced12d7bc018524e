using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
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

    private TestGateway(GatewayServer server, DirectoryInfo data, X509Certificate2? certificate)
    {
        Server = server;
        _data = data;
        Client = certificate is null
            ? new HttpClient { BaseAddress = server.Endpoint }
            : new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint })
            {
                BaseAddress = server.Endpoint,
            };
    }

    public GatewayServer Server { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => Server.App.Services;

    /// <summary>The gateway's data folder (its SQLite database, ledger included).</summary>
    public DirectoryInfo Data => _data;

    /// <summary>
    /// Starts the gateway; with <paramref name="certificate"/> it serves HTTPS with that certificate (for clients that
    /// only speak TLS) and <see cref="Client"/> trusts it.
    /// </summary>
    public static async Task<TestGateway> StartAsync(IDictionary<string, string?> configuration, TimeProvider? time = null, X509Certificate2? certificate = null)
    {
        var data = Directory.CreateTempSubdirectory("tokengate-gateway-");
        var settings = new Dictionary<string, string?>(configuration) { ["Tokengate:Data:Directory"] = data.FullName };
        var server = await GatewayServer.StartAsync(certificate is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            if (time is not null) b.Services.AddSingleton(time);
            if (certificate is null) return;
            b.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        });
        return new TestGateway(server, data, certificate);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
        // The default key-encryption key lives beside the data folder (Tokengate:Encryption).
        if (Directory.Exists(_data.FullName + "-keys")) Directory.Delete(_data.FullName + "-keys", recursive: true);
    }
}
