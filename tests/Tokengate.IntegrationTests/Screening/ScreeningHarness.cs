using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Screening;

/// <summary>
/// A simulator, and a gateway in front of it on loopback with pool <c>chat</c> and consumers <c>block</c>,
/// <c>annotate</c> and <c>monitor</c> (keys <c>key-block</c>, ...), each under the screening policy of its name, plus
/// whatever the test adds (settings, services).
/// </summary>
internal sealed class ScreeningHarness : IAsyncDisposable
{
    public const string Deployment = "chat";

    private bool _stopped;

    private ScreeningHarness(SimulatorServer backend, GatewayServer gateway, DirectoryInfo data)
    {
        Backend = backend;
        Gateway = gateway;
        Data = data;
        Client = new HttpClient { BaseAddress = gateway.Endpoint };
    }

    public SimulatorServer Backend { get; }

    public GatewayServer Gateway { get; }

    public DirectoryInfo Data { get; }

    public HttpClient Client { get; }

    public static string Key(string consumer) => "key-" + consumer;

    /// <param name="settings">Configuration added to (or replacing) the harness's own.</param>
    /// <param name="services">Services the test adds to the gateway.</param>
    /// <param name="simulatorSettings">Configuration that needs the simulator's address, applied last.</param>
    public static async Task<ScreeningHarness> StartAsync(Dictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? services = null,
        Func<SimulatorServer, IEnumerable<KeyValuePair<string, string?>>>? simulatorSettings = null)
    {
        var backend = await TestBackends.StartAsync();
        var data = Directory.CreateTempSubdirectory("tokengate-screening-");
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = data.FullName,
            [$"Tokengate:Pools:{Deployment}:Backends:0:Model"] = "gpt-4o",
        };
        foreach (var consumer in new[] { "block", "annotate", "monitor" })
        {
            config[$"Tokengate:Consumers:{consumer}:KeyHashes:0"] = KeyHash.Format(Key(consumer));
            config[$"Tokengate:Screening:Consumers:{consumer}:Mode"] = char.ToUpperInvariant(consumer[0]) + consumer[1..];
        }
        foreach (var (k, v) in TestBackends.Backend(Deployment, 0, "sim", backend)) config[k] = v;
        foreach (var (k, v) in settings ?? []) config[k] = v;
        foreach (var (k, v) in simulatorSettings?.Invoke(backend) ?? []) config[k] = v;
        var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            services?.Invoke(b);
        });
        return new ScreeningHarness(backend, gateway, data);
    }

    /// <summary>Ledger rows: (consumer, status, prompt tokens, completion tokens, cost), waiting (polling, with a deadline) for <paramref name="count"/>.</summary>
    public async Task<List<(string Consumer, int Status, long Prompt, long Completion, long Cost)>> LedgerAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var rows = new List<(string, int, long, long, long)>();
            await using (var connection = new SqliteConnection($"Data Source={Path.Combine(Data.FullName, "tokengate.db")};Pooling=false"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT consumer, status, prompt_tokens, completion_tokens, cost_nanousd FROM usage_ledger";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
            if (rows.Count >= count || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(25);
        }
    }

    /// <summary>A graceful shutdown (drains the ledger and the request log).</summary>
    public async Task StopGatewayAsync()
    {
        _stopped = true;
        await Gateway.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_stopped) await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Data.Delete(recursive: true);
    }
}
