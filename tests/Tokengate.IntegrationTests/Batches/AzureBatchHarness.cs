using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Batches;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>
/// A gateway over one simulated Azure resource with a Standard deployment <c>gpt-4o</c> and a Global Batch deployment
/// <c>gpt-4o-batch</c>, behind one pool <c>gpt-4o</c> (a live backend and a batch backend) whose batches run in azure
/// mode; gateway and resource on one fake clock, so the resource's batches move only when a test says so. Consumers
/// <c>alice</c> and <c>bob</c>.
/// </summary>
internal sealed class AzureBatchHarness : IAsyncDisposable
{
    public const string Pool = "gpt-4o";
    public const string BatchDeployment = "gpt-4o-batch";
    public const string Model = "gpt-4o-2024-08-06";
    public const string AliceKey = "key-alice";
    public const string BobKey = "key-bob";

    private readonly HttpClient _simulator;

    private AzureBatchHarness(FakeTimeProvider time, SimulatorServer resource, TestGateway gateway)
    {
        Time = time;
        Resource = resource;
        Gateway = gateway;
        _simulator = new HttpClient { BaseAddress = resource.Endpoint };
        _simulator.DefaultRequestHeaders.Add("api-key", TestBackends.BackendKey);
    }

    public FakeTimeProvider Time { get; }

    public SimulatorServer Resource { get; }

    public TestGateway Gateway { get; }

    public HttpClient Client => Gateway.Client;

    public static async Task<AzureBatchHarness> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var options = new SimulatorOptions { ApiKeys = [TestBackends.BackendKey] };
        options.Deployments[Pool] = new SimulatedDeploymentOptions { Model = Model };
        options.Deployments[BatchDeployment] = new SimulatedDeploymentOptions { Model = Model, Type = SimulatedDeploymentType.GlobalBatch };
        options.FineTuning.FileProcessingMs = 0;
        var resource = await SimulatorServer.StartAsync(options, timeProvider: time);
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:alice:KeyHashes:0"] = KeyHash.Format(AliceKey),
            ["Tokengate:Consumers:bob:KeyHashes:0"] = KeyHash.Format(BobKey),
            [$"Tokengate:Batches:Pools:{Pool}"] = "Azure",
        };
        foreach (var (k, v) in TestBackends.Backend(Pool, 0, "live", resource)) config[k] = v;
        foreach (var (k, v) in TestBackends.Backend(Pool, 1, "batch", resource, type: "GlobalBatch")) config[k] = v;
        config[$"Tokengate:Pools:{Pool}:Backends:1:Deployment"] = BatchDeployment;
        config[$"Tokengate:Pools:{Pool}:Backends:0:Model"] = Model;
        config[$"Tokengate:Pools:{Pool}:Backends:1:Model"] = Model;
        var gateway = await TestGateway.StartAsync(config, time);
        return new AzureBatchHarness(time, resource, gateway);
    }

    /// <summary>Chat requests naming the gateway's deployment, one per custom id <c>req-0</c>, <c>req-1</c>, ...</summary>
    public static string Lines(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append("{\"custom_id\":\"req-").Append(i).Append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"")
                .Append(Pool).Append("\",\"messages\":[{\"role\":\"user\",\"content\":\"Question ").Append(i).Append("?\"}],\"max_tokens\":20}}\n");
        }
        return text.ToString();
    }

    /// <summary>Uploads a batch file through the gateway; its gateway id.</summary>
    public async Task<string> UploadAsync(string key, string content)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", "batch.jsonl" },
            { new StringContent("batch"), "purpose" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/files") { Content = form };
        request.Headers.Add("api-key", key);
        using var response = await Client.SendAsync(request);
        return (await JsonAsync(response)).GetProperty("id").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("api-key", key);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> OkAsync(string key, HttpMethod method, string path, string? json = null)
    {
        using var response = await SendAsync(key, method, path, json);
        return await JsonAsync(response);
    }

    public Task<JsonElement> CreateBatchAsync(string key, string fileId) =>
        OkAsync(key, HttpMethod.Post, "openai/v1/batches", $$$"""{"input_file_id":"{{{fileId}}}","endpoint":"/v1/chat/completions","completion_window":"24h","metadata":{"job":"nightly"}}""");

    public Task<JsonElement> GetBatchAsync(string key, string id) => OkAsync(key, HttpMethod.Get, $"openai/v1/batches/{id}");

    /// <summary>Retrieves the batch through the gateway until it is in <paramref name="status"/> (the gateway polls its backend meanwhile).</summary>
    public async Task<JsonElement> RetrieveUntilAsync(string key, string id, string status)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var batch = await GetBatchAsync(key, id);
            if (batch.GetProperty("status").GetString() == status) return batch;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Batch {id} is still {batch.GetProperty("status").GetString()}, not {status}.");
            await Task.Delay(20);
        }
    }

    /// <summary>The gateway's stored row of a batch.</summary>
    public Task<BatchRecord?> StoredAsync(string id) => Gateway.Services.GetRequiredService<BatchStore>().FindAsync(id, null, CancellationToken.None);

    /// <summary>Waits until the gateway has asked the backend for the batch at least once.</summary>
    public async Task<BatchRecord> PolledAsync(string id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await StoredAsync(id) is { PolledAt: not null } polled) return polled;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Batch {id} was never polled.");
            await Task.Delay(20);
        }
    }

    /// <summary>Moves the resource's batch on: one step, or (<paramref name="toEnd"/>) every step.</summary>
    public async Task AdvanceUpstreamAsync(string upstreamId, bool toEnd)
    {
        using var response = await _simulator.PostAsync($"_simulator/batches/{upstreamId}/{(toEnd ? "complete" : "advance")}", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A call on the resource itself, with the backend's key.</summary>
    public async Task<JsonElement> ResourceAsync(string path)
    {
        using var response = await _simulator.GetAsync(path);
        return await JsonAsync(response);
    }

    public async Task<string> ResourceTextAsync(string path) => await _simulator.GetStringAsync(path);

    /// <summary>The ledger's rows of one batch: prompt, cached and completion tokens, cost in USD, record id.</summary>
    public async Task<List<(long Prompt, long Cached, long Completion, decimal Cost, string RecordId)>> LedgerAsync(string batchId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Gateway.Data.FullName, "tokengate.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT prompt_tokens, cached_tokens, completion_tokens, cost_nanousd, record_id FROM usage_ledger WHERE batch_id = @batch";
        command.Parameters.AddWithValue("@batch", batchId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, long, long, decimal, string)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3) / 1_000_000_000m, reader.GetString(4)));
        return rows;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        _simulator.Dispose();
        await Gateway.DisposeAsync();
        await Resource.DisposeAsync();
    }
}
