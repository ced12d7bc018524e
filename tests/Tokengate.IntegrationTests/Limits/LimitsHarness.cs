using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Limits;

/// <summary>
/// A gateway over one simulated gpt-4o backend (with room for any load the tests send), a consumer <c>app</c> in group
/// <c>team</c> with key <c>key-app</c>, a reader <c>watcher</c> with key <c>key-reader</c>, and the test's own limit
/// and budget settings; the gateway runs on a fake clock.
/// </summary>
internal sealed class LimitsHarness : IAsyncDisposable
{
    public const string Deployment = "chat";
    public const string AppKey = "key-app";
    public const string ReaderKey = "key-reader";

    private LimitsHarness(SimulatorServer backend, GatewayServer gateway, DirectoryInfo data, FakeTimeProvider time)
    {
        Backend = backend;
        Gateway = gateway;
        Data = data;
        Time = time;
        Client = new HttpClient { BaseAddress = gateway.Endpoint, Timeout = TimeSpan.FromSeconds(60) };
    }

    public SimulatorServer Backend { get; }

    public GatewayServer Gateway { get; }

    public DirectoryInfo Data { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public static async Task<LimitsHarness> StartAsync(Dictionary<string, string?> settings)
    {
        var backend = await TestBackends.StartAsync();
        backend.Control.Update("gpt-4o", o => o.TokensPerMinute = 10_000_000);
        var data = Directory.CreateTempSubdirectory("tokengate-limits-");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = data.FullName,
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(AppKey),
            ["Tokengate:Consumers:app:Group"] = "team",
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format(ReaderKey),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            [$"Tokengate:Pools:{Deployment}:Backends:0:Model"] = "gpt-4o",
        };
        foreach (var (k, v) in TestBackends.Backend(Deployment, 0, "sim", backend)) config[k] = v;
        foreach (var (k, v) in settings) config[k] = v;
        var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton<TimeProvider>(time);
        });
        return new LimitsHarness(backend, gateway, data, time);
    }

    public static string ChatBody(string content, int? maxTokens = 40, bool stream = false, bool includeUsage = false) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["messages"] = new[] { new { role = "user", content } },
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
            ["stream_options"] = includeUsage ? new { include_usage = true } : null,
        }.Where(p => p.Value is not null).ToDictionary());

    public async Task<HttpResponseMessage> ChatAsync(string body, string key = AppKey) =>
        await Client.SendAsync(GatewayRequests.Chat(Deployment, key, body: body));

    /// <summary>The usage a client saw: the body's <c>usage</c>, or the stream's usage chunk; and whether a stream had one.</summary>
    public static async Task<(long Prompt, long Completion, bool SawUsage)> UsageSeenAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            using var doc = JsonDocument.Parse(text);
            var u = doc.RootElement.GetProperty("usage");
            return (u.GetProperty("prompt_tokens").GetInt64(), u.GetProperty("completion_tokens").GetInt64(), true);
        }
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            using var doc = JsonDocument.Parse(line[6..]);
            if (doc.RootElement.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
                return (u.GetProperty("prompt_tokens").GetInt64(), u.GetProperty("completion_tokens").GetInt64(), true);
        }
        return (0, 0, false);
    }

    /// <summary>Waits (polling, with a deadline) until the ledger holds <paramref name="count"/> records, then sums them.</summary>
    public async Task<(long Records, long Prompt, long Completion, long CostNanoUsd)> LedgerAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var totals = await ReadLedgerAsync(Data);
            if (totals.Records >= count || DateTime.UtcNow > deadline) return totals;
            await Task.Delay(25);
        }
    }

    public static async Task<(long Records, long Prompt, long Completion, long CostNanoUsd)> ReadLedgerAsync(DirectoryInfo data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data.FullName, "tokengate.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(prompt_tokens),0), COALESCE(SUM(completion_tokens),0), COALESCE(SUM(cost_nanousd),0) FROM usage_ledger";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private bool _stopped;

    /// <summary>A graceful shutdown, as on SIGTERM.</summary>
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
