using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.FineTuning;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.FineTuning;

/// <summary>
/// A gateway over two simulated Azure resources, <c>east</c> (tried first) and <c>west</c>, behind one pool
/// <c>tuning</c> of base model gpt-4o-mini, on one fake clock; consumers <c>alice</c> and <c>bob</c>, and <c>ops</c> with
/// the reader role. Each resource keeps its own files and jobs, as Azure's do.
/// </summary>
internal sealed class FineTuningHarness : IAsyncDisposable
{
    public const string Pool = "tuning";
    public const string BaseModel = "gpt-4o-mini-2024-07-18";
    public const string AliceKey = "key-alice";
    public const string BobKey = "key-bob";
    public const string OpsKey = "key-ops";
    public const string ApiVersion = "2025-04-01-preview";

    private readonly DirectoryInfo _data;

    private bool _stopped;

    private FineTuningHarness(FakeTimeProvider time, SimulatorServer east, SimulatorServer west, GatewayServer gateway, DirectoryInfo data)
    {
        Time = time;
        East = east;
        West = west;
        Gateway = gateway;
        _data = data;
        Client = new HttpClient { BaseAddress = gateway.Endpoint };
    }

    public FakeTimeProvider Time { get; }

    public SimulatorServer East { get; }

    public SimulatorServer West { get; }

    public GatewayServer Gateway { get; }

    public HttpClient Client { get; }

    public DirectoryInfo Data => _data;

    public IServiceProvider Services => Gateway.App.Services;

    /// <param name="fileProcessing">How long the resources take to process a fine-tune file (0: at once).</param>
    /// <param name="systemClock">Gateway and resources on the system clock instead of the fake one (which then stands still).</param>
    public static async Task<FineTuningHarness> StartAsync(TimeSpan? fileProcessing = null, bool systemClock = false)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        TimeProvider clock = systemClock ? TimeProvider.System : time;
        var east = await StartBackendAsync(clock, fileProcessing ?? TimeSpan.Zero);
        var west = await StartBackendAsync(clock, fileProcessing ?? TimeSpan.Zero);
        var data = Directory.CreateTempSubdirectory("tokengate-finetune-");
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = data.FullName,
            ["Tokengate:Consumers:alice:KeyHashes:0"] = KeyHash.Format(AliceKey),
            ["Tokengate:Consumers:bob:KeyHashes:0"] = KeyHash.Format(BobKey),
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(OpsKey),
            ["Tokengate:Consumers:ops:Roles:0"] = "reader",
        };
        foreach (var (k, v) in TestBackends.Backend(Pool, 0, "east", east, priority: 1)) config[k] = v;
        foreach (var (k, v) in TestBackends.Backend(Pool, 1, "west", west, priority: 2)) config[k] = v;
        for (var i = 0; i < 2; i++)
        {
            config[$"Tokengate:Pools:{Pool}:Backends:{i}:Model"] = BaseModel;
            config[$"Tokengate:Pools:{Pool}:Backends:{i}:Deployment"] = "gpt-4o-mini";
        }
        var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton(clock);
        });
        return new FineTuningHarness(time, east, west, gateway, data);
    }

    private static Task<SimulatorServer> StartBackendAsync(TimeProvider time, TimeSpan fileProcessing)
    {
        var options = new SimulatorOptions { ApiKeys = [TestBackends.BackendKey] };
        options.Deployments["gpt-4o-mini"] = new SimulatedDeploymentOptions { Model = BaseModel };
        options.FineTuning.FileProcessingMs = (int)fileProcessing.TotalMilliseconds;
        return SimulatorServer.StartAsync(options, timeProvider: time);
    }

    /// <summary>Ten chat examples, the fewest the service takes.</summary>
    public static string TrainingJsonl(int examples = 10)
    {
        var text = new StringBuilder();
        for (var i = 0; i < examples; i++)
            text.Append("{\"messages\":[{\"role\":\"user\",\"content\":\"Question ").Append(i).Append("?\"},{\"role\":\"assistant\",\"content\":\"Answer ").Append(i).Append(".\"}]}\n");
        return text.ToString();
    }

    /// <summary>Uploads a file through the gateway's Files API; its gateway id.</summary>
    public async Task<string> UploadAsync(string key, string content, string purpose = "fine-tune")
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", "train.jsonl" },
            { new StringContent(purpose), "purpose" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/files") { Content = form };
        request.Headers.Add("api-key", key);
        using var response = await Client.SendAsync(request);
        var body = await JsonAsync(response);
        return body.GetProperty("id").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("api-key", key);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await Client.SendAsync(request);
    }

    /// <summary>A call that must succeed; its JSON.</summary>
    public async Task<JsonElement> OkAsync(string key, HttpMethod method, string path, string? json = null)
    {
        using var response = await SendAsync(key, method, path, json);
        return await JsonAsync(response);
    }

    public Task<JsonElement> CreateJobAsync(string key, string trainingFile, string route = "openai/v1/fine_tuning/jobs", string? extra = null) =>
        OkAsync(key, HttpMethod.Post, route, $$"""{"model":"{{Pool}}","training_file":"{{trainingFile}}"{{extra}}}""");

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The files and jobs each resource holds.</summary>
    public (int EastFiles, int WestFiles, int EastJobs, int WestJobs) Resources()
    {
        var east = East.Control.GetResourceStats();
        var west = West.Control.GetResourceStats();
        return (east.Files, west.Files, east.FineTuningJobs, west.FineTuningJobs);
    }

    public Task<FineTuningJobRecord?> RegistryAsync(string id, string consumer = "alice") =>
        Services.GetRequiredService<FineTuningCatalog>().FindAsync(id, consumer, CancellationToken.None);

    /// <summary>Stops the gateway gracefully (the ledger drains into the database).</summary>
    public async Task StopGatewayAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await Gateway.DisposeAsync();
    }

    /// <summary>The ledger's rows: consumer, deployment, backend, operation, prompt tokens, status.</summary>
    public async Task<List<(string Consumer, string Deployment, string? Backend, string? Operation, long PromptTokens, int Status)>> LedgerAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.FullName, "tokengate.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT consumer, deployment, backend, operation, prompt_tokens, status FROM usage_ledger ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string?, string?, long, int)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4), reader.GetInt32(5)));
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopGatewayAsync();
        await East.DisposeAsync();
        await West.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
