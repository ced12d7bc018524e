using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>
/// A gateway for the console tests: pool <c>chat</c> over two simulated gpt-4o backends of equal priority
/// (<c>sim-a</c>, <c>sim-b</c>), an operator <c>ops</c> (key <see cref="OperatorKey"/>), an admin <c>root</c>, a reader
/// <c>watcher</c>, and a consumer <c>app</c> in group <c>team</c>; the real clock, so the browser's "last 24 hours"
/// holds what was just sent.
/// </summary>
internal sealed class ConsoleHarness : IAsyncDisposable
{
    public const string Deployment = "chat";
    public const string OperatorKey = "key-console-operator";
    public const string AdminKey = "key-console-admin";
    public const string ReaderKey = "key-console-reader";
    public const string AppKey = "key-console-app";

    private ConsoleHarness(SimulatorServer a, SimulatorServer b, GatewayServer gateway, DirectoryInfo data)
    {
        BackendA = a;
        BackendB = b;
        Gateway = gateway;
        Data = data;
        Client = new HttpClient { BaseAddress = gateway.Endpoint, Timeout = TimeSpan.FromSeconds(60) };
    }

    public SimulatorServer BackendA { get; }

    public SimulatorServer BackendB { get; }

    public GatewayServer Gateway { get; }

    public DirectoryInfo Data { get; }

    public HttpClient Client { get; }

    public Uri Endpoint => Gateway.Endpoint;

    public static async Task<ConsoleHarness> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var a = await TestBackends.StartAsync();
        var b = await TestBackends.StartAsync("West US");
        a.Control.Update("gpt-4o", o => o.TokensPerMinute = 10_000_000);
        b.Control.Update("gpt-4o", o => o.TokensPerMinute = 10_000_000);
        var data = Directory.CreateTempSubdirectory("tokengate-console-");
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = data.FullName,
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(OperatorKey),
            ["Tokengate:Consumers:ops:Roles:0"] = "operator",
            ["Tokengate:Consumers:root:KeyHashes:0"] = KeyHash.Format(AdminKey),
            ["Tokengate:Consumers:root:Roles:0"] = "admin",
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format(ReaderKey),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(AppKey),
            ["Tokengate:Consumers:app:Group"] = "team",
            [$"Tokengate:Pools:{Deployment}:Backends:0:Model"] = "gpt-4o",
            [$"Tokengate:Pools:{Deployment}:Backends:1:Model"] = "gpt-4o",
        };
        foreach (var (k, v) in TestBackends.Backend(Deployment, 0, "sim-a", a)) config[k] = v;
        foreach (var (k, v) in TestBackends.Backend(Deployment, 1, "sim-b", b)) config[k] = v;
        foreach (var (k, v) in settings ?? []) config[k] = v;
        var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", builder => builder.Configuration.AddInMemoryCollection(config));
        return new ConsoleHarness(a, b, gateway, data);
    }

    /// <summary>A chat completion through the npm <c>openai</c> client (AzureOpenAI, no retries): its status and usage.</summary>
    public async Task<JsonElement> NodeChatAsync(string key)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "console-chat.mjs");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, Endpoint.ToString(), key, Deployment },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        using var node = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");
        using var doc = JsonDocument.Parse(await stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>An admin API GET with a key, parsed.</summary>
    public async Task<JsonElement> AdminGetAsync(string path, string key = OperatorKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("api-key", key);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    /// <summary>Waits (polling, with a deadline) until the ledger holds at least <paramref name="count"/> records.</summary>
    public async Task<long> LedgerAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(Data.FullName, "tokengate.db")};Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM usage_ledger";
            var records = (long)(await command.ExecuteScalarAsync())!;
            if (records >= count || DateTime.UtcNow > deadline) return records;
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        await BackendA.DisposeAsync();
        await BackendB.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Data.Delete(recursive: true);
    }
}
