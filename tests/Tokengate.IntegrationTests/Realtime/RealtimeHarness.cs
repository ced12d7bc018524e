using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Realtime;

/// <summary>
/// A gateway with one realtime pool (<c>realtime</c>) over simulated backends, each with a <c>realtime</c> deployment of
/// gpt-realtime (priority 1, 2, ...: the first one serves while it can), explicit prices for the pool, and consumers:
/// <c>alice</c> (unmetered), <c>bob</c> (a small token budget), <c>carol</c> (scoped to chat only), <c>metered</c>
/// (a token limit and one session at a time). The simulators also serve the transcription deployments
/// <c>gpt-4o-transcribe</c> and <c>whisper</c>, priced in the gateway's configuration. The backends' endpoints may go through a <see cref="HandshakeRecorder"/> each.
/// </summary>
internal sealed class RealtimeHarness : IAsyncDisposable
{
    public const string Pool = "realtime";
    public const string Model = "gpt-realtime-2025-08-28";
    public const string AliceKey = "key-alice-realtime";
    public const string BobKey = "key-bob-realtime";
    public const string CarolKey = "key-carol-realtime";
    public const string MeteredKey = "key-metered-realtime";

    /// <summary>USD per million tokens, configured for the pool (so the test does not depend on the built-in list).</summary>
    public const decimal InputText = 4m, CachedText = 0.4m, OutputText = 16m, InputAudio = 32m, CachedAudio = 0.4m, OutputAudio = 64m;

    /// <summary>USD per million tokens of the <c>gpt-4o-transcribe</c> deployment, and per minute of <c>whisper</c>.</summary>
    public const decimal TranscribeText = 2.5m, TranscribeAudio = 6m, TranscribeOutput = 10m, WhisperPerMinute = 0.006m;

    /// <summary>bob's daily budget, in tokens: the first response spends it.</summary>
    public const int BobBudgetTokens = 10;

    private readonly List<HandshakeRecorder> _recorders;

    private RealtimeHarness(List<SimulatorServer> backends, List<HandshakeRecorder> recorders, TestGateway gateway, FakeTimeProvider? time)
    {
        Backends = backends;
        _recorders = recorders;
        Gateway = gateway;
        Time = time;
    }

    public IReadOnlyList<SimulatorServer> Backends { get; }

    /// <summary>The handshake each backend received, when it was started with recorders.</summary>
    public IReadOnlyList<HandshakeRecorder> Recorders => _recorders;

    public TestGateway Gateway { get; }

    public FakeTimeProvider? Time { get; }

    public Uri Endpoint => Gateway.Server.Endpoint;

    public static async Task<RealtimeHarness> StartAsync(
        int backends = 1, IDictionary<string, string?>? settings = null, FakeTimeProvider? time = null, bool record = false, X509Certificate2? certificate = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:alice:KeyHashes:0"] = KeyHash.Format(AliceKey),
            ["Tokengate:Consumers:bob:KeyHashes:0"] = KeyHash.Format(BobKey),
            ["Tokengate:Consumers:carol:KeyHashes:0"] = KeyHash.Format(CarolKey),
            ["Tokengate:Consumers:metered:KeyHashes:0"] = KeyHash.Format(MeteredKey),
            ["Tokengate:Access:Default:Deployments:0"] = "*",
            ["Tokengate:Access:Default:Operations:0"] = "*",
            ["Tokengate:Access:Consumers:carol:Deployments:0"] = "*",
            ["Tokengate:Access:Consumers:carol:Operations:0"] = "chat",
            ["Tokengate:Budgets:Consumers:bob:0:Period"] = "Daily",
            ["Tokengate:Budgets:Consumers:bob:0:Unit"] = "Tokens",
            ["Tokengate:Budgets:Consumers:bob:0:Amount"] = BobBudgetTokens.ToString(CultureInfo.InvariantCulture),
            ["Tokengate:Limits:Consumers:metered:TokensPerMinute"] = "1000000",
            ["Tokengate:Limits:Consumers:metered:ConcurrentRequests"] = "1",
            [$"Tokengate:Accounting:Prices:{Pool}:Input"] = Price(InputText),
            [$"Tokengate:Accounting:Prices:{Pool}:CachedInput"] = Price(CachedText),
            [$"Tokengate:Accounting:Prices:{Pool}:Output"] = Price(OutputText),
            [$"Tokengate:Accounting:Prices:{Pool}:AudioInput"] = Price(InputAudio),
            [$"Tokengate:Accounting:Prices:{Pool}:CachedAudioInput"] = Price(CachedAudio),
            [$"Tokengate:Accounting:Prices:{Pool}:AudioOutput"] = Price(OutputAudio),
            // Input transcription is billed by the transcription deployment the session names.
            ["Tokengate:Accounting:Prices:gpt-4o-transcribe:Input"] = Price(TranscribeText),
            ["Tokengate:Accounting:Prices:gpt-4o-transcribe:AudioInput"] = Price(TranscribeAudio),
            ["Tokengate:Accounting:Prices:gpt-4o-transcribe:Output"] = Price(TranscribeOutput),
            ["Tokengate:Accounting:Prices:whisper:PerMinute"] = Price(WhisperPerMinute),
        };
        var servers = new List<SimulatorServer>();
        var recorders = new List<HandshakeRecorder>();
        for (var i = 0; i < backends; i++)
        {
            var options = new SimulatorOptions { ApiKeys = [TestBackends.BackendKey] };
            options.Deployments["realtime"] = new SimulatedDeploymentOptions { Model = Model };
            options.Deployments["gpt-4o-transcribe"] = new SimulatedDeploymentOptions { Model = "gpt-4o-transcribe" };
            options.Deployments["whisper"] = new SimulatedDeploymentOptions { Model = "whisper-001" };
            var server = await SimulatorServer.StartAsync(options);
            servers.Add(server);
            var endpoint = server.Endpoint;
            if (record)
            {
                var recorder = new HandshakeRecorder(server.Endpoint);
                recorders.Add(recorder);
                endpoint = recorder.Endpoint;
            }
            var p = $"Tokengate:Pools:{Pool}:Backends:{i}";
            config[$"{p}:Name"] = $"b{i}";
            config[$"{p}:Endpoint"] = endpoint.ToString();
            config[$"{p}:Deployment"] = "realtime";
            config[$"{p}:Priority"] = (i + 1).ToString(CultureInfo.InvariantCulture);
            config[$"{p}:ApiKey"] = $"env:{TestBackends.KeyVariable}";
        }
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        return new RealtimeHarness(servers, recorders, await TestGateway.StartAsync(config, time, certificate), time);
    }

    /// <summary>A <c>ws://</c> (or <c>wss://</c>) URL on the gateway.</summary>
    public Uri Url(string pathAndQuery) => new(new Uri(Endpoint.ToString().Replace("http", "ws", StringComparison.Ordinal)), pathAndQuery);

    /// <summary>The ledger's realtime rows, oldest first, once there are at least <paramref name="count"/>.</summary>
    public async Task<List<LedgerRow>> LedgerAsync(int count)
    {
        // The ledger is written by a background batch writer; this polls for the rows (the deadline only guards a hang).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var rows = await ReadLedgerAsync();
            if (rows.Count >= count) return rows;
            Assert.True(DateTime.UtcNow < deadline, $"{rows.Count} realtime ledger rows, expected {count}");
            await Task.Delay(25);
        }
    }

    public Task<List<LedgerRow>> ReadLedgerAsync() => ReadLedgerAsync(Gateway.Data.FullName);

    /// <summary>The realtime rows of the SQLite ledger in <paramref name="dataDirectory"/>, in order.</summary>
    public static async Task<List<LedgerRow>> ReadLedgerAsync(string dataDirectory)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "tokengate.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT consumer, backend, model, prompt_tokens, cached_tokens, completion_tokens, audio_input_tokens, audio_output_tokens,
                   image_input_tokens, cost_nanousd, status, stream, usage_source, audio_ms
            FROM usage_ledger WHERE operation = 'realtime' ORDER BY id
            """;
        var rows = new List<LedgerRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new LedgerRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9),
                reader.GetInt32(10), reader.GetBoolean(11), reader.GetString(12)) { AudioMs = reader.GetInt64(13) });
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var recorder in _recorders) await recorder.DisposeAsync();
        foreach (var backend in Backends) await backend.DisposeAsync();
    }

    private static string Price(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
