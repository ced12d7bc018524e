using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>
/// A gateway over a simulated provisioned deployment (<c>gpt-4o-ptu</c>, tier 0) and a pay-as-you-go one
/// (<c>gpt-4o</c>, tier 1) in pool <c>chat</c>, a consumer <c>app</c> (key <c>key-app</c>) and another <c>other</c>
/// (key <c>key-other</c>), real time, batches polled every 50 ms; plus the Batch API calls the tests make.
/// </summary>
internal sealed class BatchHarness : IAsyncDisposable
{
    public const string Pool = "chat";
    public const string AppKey = "key-app";
    public const string OtherKey = "key-other";

    private BatchHarness(SimulatorServer backend, GatewayServer gateway, DirectoryInfo data)
    {
        Backend = backend;
        Gateway = gateway;
        Data = data;
        Client = new HttpClient { BaseAddress = gateway.Endpoint, Timeout = TimeSpan.FromSeconds(120) };
    }

    public SimulatorServer Backend { get; }

    public GatewayServer Gateway { get; }

    public DirectoryInfo Data { get; }

    public HttpClient Client { get; }

    public static async Task<BatchHarness> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var backend = await TestBackends.StartAsync("East US", "gpt-4o", "gpt-4o-ptu");
        backend.Control.Update("gpt-4o", o => o.TokensPerMinute = 10_000_000);
        backend.Control.Update("gpt-4o-ptu", o =>
        {
            o.Type = SimulatedDeploymentType.Provisioned;
            o.ProvisionedThroughputUnits = 1000;
        });
        var data = Directory.CreateTempSubdirectory("tokengate-batches-");
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = data.FullName,
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(AppKey),
            ["Tokengate:Consumers:other:KeyHashes:0"] = KeyHash.Format(OtherKey),
            [$"Tokengate:Pools:{Pool}:Backends:0:Model"] = "gpt-4o",
            [$"Tokengate:Pools:{Pool}:Backends:1:Model"] = "gpt-4o",
            ["Tokengate:Batches:PollInterval"] = "00:00:00.050",
        };
        foreach (var (k, v) in TestBackends.Backend(Pool, 0, "ptu", backend, priority: 0, type: "Provisioned")) config[k] = v;
        config[$"Tokengate:Pools:{Pool}:Backends:0:Deployment"] = "gpt-4o-ptu";
        foreach (var (k, v) in TestBackends.Backend(Pool, 1, "paygo", backend, priority: 1)) config[k] = v;
        foreach (var (k, v) in settings ?? []) config[k] = v;
        var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(config));
        return new BatchHarness(backend, gateway, data);
    }

    /// <summary>A batch input file of chat requests, one per custom id.</summary>
    public static string ChatLines(int count, string model = Pool, int maxTokens = 8) => string.Concat(Enumerable.Range(0, count).Select(i =>
        JsonSerializer.Serialize(new
        {
            custom_id = $"task-{i}",
            method = "POST",
            url = "/v1/chat/completions",
            body = new { model, messages = new[] { new { role = "user", content = $"Say hello number {i}" } }, max_tokens = maxTokens },
        }) + "\n"));

    public Task<string> UploadAsync(string jsonl, string key = AppKey) => BatchCalls.UploadAsync(Client, jsonl, key);

    public Task<HttpResponseMessage> CreateAsync(string fileId, string key = AppKey, string endpoint = "/v1/chat/completions", string? mode = null) =>
        BatchCalls.CreateAsync(Client, fileId, key, endpoint, mode);

    public Task<string> CreateIdAsync(string fileId) => BatchCalls.CreateIdAsync(Client, fileId, AppKey);

    public Task<JsonElement> GetAsync(string id, string key = AppKey) => BatchCalls.GetAsync(Client, id, key);

    /// <summary>Polls the batch (with a deadline) until it reaches <paramref name="status"/>.</summary>
    public Task<JsonElement> WaitForAsync(string id, string status, TimeSpan? within = null) =>
        BatchCalls.WaitForAsync(Client, id, AppKey, status, within ?? TimeSpan.FromSeconds(120));

    public Task<string> FileContentAsync(string fileId, string key = AppKey) => BatchCalls.FileContentAsync(Client, fileId, key);

    /// <summary>The ledger's rows of a batch: record id, status, cost in nano-dollars, priority.</summary>
    public async Task<List<(string RecordId, int Status, long CostNanoUsd, string? Priority, string? Backend)>> LedgerRowsAsync(string batchId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Data.FullName, "tokengate.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record_id, status, cost_nanousd, priority, backend FROM usage_ledger WHERE batch_id = @b";
        command.Parameters.AddWithValue("@b", batchId);
        var rows = new List<(string, int, long, string?, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        try
        {
            Data.Delete(recursive: true);
            // The default key-encryption key the gateway made beside the data folder.
            var keys = new DirectoryInfo(Data.FullName + "-keys");
            if (keys.Exists) keys.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing writer; the temp folder is cleaned by the system.
        }
    }
}
