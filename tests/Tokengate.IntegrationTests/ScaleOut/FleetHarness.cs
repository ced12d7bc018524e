using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Limits;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>
/// Several gateway instances in this process, each with its own host, DI container, data folder and connections,
/// sharing one Redis (under a key prefix of their own) and one PostgreSQL database. Only for tests that must reach
/// into an instance's services (its limit store, its budget store, its change notifier); what a fleet does as a whole is shown with
/// separate processes by <see cref="ProcessFleet"/>. Consumer <c>app</c> (key <c>key-app</c>) calls the pool <c>chat</c>.
/// </summary>
internal sealed class FleetHarness : IAsyncDisposable
{
    public const string Deployment = "chat";
    public const string AppKey = "key-app";

    private readonly List<DirectoryInfo> _folders;
    private readonly string[] _variables;

    private FleetHarness(List<GatewayServer> gateways, List<DirectoryInfo> folders, string[] variables)
    {
        Gateways = gateways;
        _folders = folders;
        _variables = variables;
        Clients = [.. gateways.Select(g => new HttpClient { BaseAddress = g.Endpoint, Timeout = TimeSpan.FromSeconds(60) })];
    }

    public IReadOnlyList<GatewayServer> Gateways { get; }

    public IReadOnlyList<HttpClient> Clients { get; }

    /// <param name="instances">How many gateways.</param>
    /// <param name="redis">host:port of the Redis server.</param>
    /// <param name="postgres">The Npgsql connection string the gateways use.</param>
    /// <param name="backends">The pool's backends as (name, simulator, priority).</param>
    /// <param name="settings">More configuration, applied to every instance.</param>
    public static async Task<FleetHarness> StartAsync(int instances, string redis, string postgres,
        IEnumerable<(string Name, SimulatorServer Server, int Priority)> backends, Dictionary<string, string?>? settings = null)
    {
        // Secrets are references; each fleet gets variables of its own so tests running in parallel do not meet.
        var id = Guid.NewGuid().ToString("N");
        string[] variables = [$"TOKENGATE_TEST_FLEET_REDIS_{id}", $"TOKENGATE_TEST_FLEET_PG_{id}"];
        Environment.SetEnvironmentVariable(variables[0], redis);
        Environment.SetEnvironmentVariable(variables[1], postgres);
        var config = ProcessFleet.Settings(variables[0], variables[1], $"tg-test-{id}:", instances, backends, settings);

        var gateways = new List<GatewayServer>();
        var folders = new List<DirectoryInfo>();
        for (var i = 0; i < instances; i++)
        {
            var folder = Directory.CreateTempSubdirectory("tokengate-fleet-");
            folders.Add(folder);
            var own = new Dictionary<string, string?>(config) { ["Tokengate:Data:Directory"] = folder.FullName };
            gateways.Add(await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(own)));
        }
        return new FleetHarness(gateways, folders, variables);
    }

    public static async Task<SimulatorServer> StartBackendAsync()
    {
        var backend = await TestBackends.StartAsync();
        backend.Control.Update("gpt-4o", o => { o.TokensPerMinute = 10_000_000; o.RequestsPerMinutePer1000Tpm = 100; });
        return backend;
    }

    public T Service<T>(int instance) where T : notnull => Gateways[instance].App.Services.GetRequiredService<T>();

    public ILimitStore Limits(int instance) => Service<ILimitStore>(instance);

    public async Task<HttpResponseMessage> ChatAsync(int instance, string content, int maxTokens = 40) =>
        await Clients[instance].SendAsync(ProcessFleet.Chat(content, AppKey, maxTokens, Deployment));

    /// <summary>Polls until the ledger holds <paramref name="rows"/> rows (or the deadline passes), then reads it.</summary>
    public static async Task<(long Rows, long Distinct)> LedgerAsync(string postgres, long rows, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var ledger = await ProcessFleet.LedgerAsync(postgres);
            if (ledger.Rows >= rows || DateTime.UtcNow > until) return ledger;
            await Task.Delay(50);
        }
    }

    public async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(int instance)
    {
        using var response = await Clients[instance].GetAsync("readyz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static string ReadyzState(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return ProcessFleet.StateMode(doc.RootElement);
    }

    private bool _disposed;

    /// <summary>Stops every instance gracefully (their ledger writers drain); safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var client in Clients) client.Dispose();
        foreach (var gateway in Gateways) await gateway.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        foreach (var folder in _folders) folder.Delete(recursive: true);
        foreach (var variable in _variables) Environment.SetEnvironmentVariable(variable, null);
    }
}
