using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Authorization;

/// <summary>
/// One gateway with two logical deployments, key consumers and a trusted local issuer, scopes per consumer and
/// group, on a fake clock shared with the issuer.
/// </summary>
public sealed class AccessFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tokengate-access-");
    private SimulatorServer _backend = null!;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    internal TestIssuer Issuer { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        Issuer = await TestIssuer.StartAsync(Time);
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = _data.FullName,
            // The matrix sends many bad credentials from one address on purpose; it is not about the failure limit.
            ["Tokengate:AuthFailures:Limit"] = "100000",
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format("key-app"),
            ["Tokengate:Consumers:app:Group"] = "checkout",
            ["Tokengate:Consumers:solo:KeyHashes:0"] = KeyHash.Format("key-solo"),
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format("key-reader"),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format("key-ops"),
            ["Tokengate:Consumers:ops:Roles:0"] = "operator",
            ["Tokengate:Consumers:ops:Roles:1"] = "consumer",
            ["Tokengate:Pools:gpt-4o-mini:Aliases:0"] = "mini",
            ["Tokengate:Access:Groups:checkout:Deployments:0"] = "gpt-4o",
            ["Tokengate:Access:Groups:checkout:Operations:0"] = "chat",
            ["Tokengate:Access:Consumers:app:Deployments:0"] = "mini",
            ["Tokengate:Access:Consumers:app:Operations:0"] = "embeddings",
            ["Tokengate:Access:Consumers:watcher:Deployments:0"] = "*",
            ["Tokengate:Access:Consumers:watcher:Operations:0"] = "*",
            ["Tokengate:Access:Consumers:ops:Deployments:0"] = "*",
            ["Tokengate:Access:Consumers:ops:Operations:0"] = "chat",
            ["Tokengate:Identity:Oidc:ConsumerNames:app-client-id"] = "jwt-app",
            ["Tokengate:Identity:Oidc:GroupMap:grp-checkout"] = "checkout",
            ["Tokengate:Identity:Oidc:RoleMap:Tokengate.Reader"] = "reader",
            ["Tokengate:Identity:Oidc:RoleMap:Tokengate.Operator"] = "operator",
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        foreach (var (k, v) in TestBackends.Backend("gpt-4o-mini", 0, "b2", _backend)) config[k] = v;
        foreach (var (k, v) in Issuer.GatewayConfiguration()) config[k] = v;
        Gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton<TimeProvider>(Time);
        });
        Client = new HttpClient { BaseAddress = Gateway.Endpoint };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Issuer.DisposeAsync();
        await _backend.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
