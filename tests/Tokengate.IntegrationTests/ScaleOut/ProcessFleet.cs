using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>
/// A fleet as it is deployed: several <c>tokengate serve</c> processes, each started from a JSON configuration file
/// of its own (identical but for its data folder) on a free loopback port, sharing one Redis (under a key prefix of
/// this fleet's) and one PostgreSQL database. The secrets the files name as <c>env:</c> references are handed to
/// each process in its environment. Consumer <c>app</c> (key <see cref="AppKey"/>) calls the pool
/// <see cref="Deployment"/>; consumer <c>ops</c> (key <see cref="OperatorKey"/>) is an operator on the admin API.
/// Every process still running is killed on dispose, so a failing test leaves none behind.
/// </summary>
internal sealed partial class ProcessFleet : IAsyncDisposable
{
    public const string Deployment = "chat";
    public const string AppKey = "key-app";
    public const string OperatorKey = "key-fleet-operator";
    public const string PostgresVariable = "TOKENGATE_POSTGRES";
    public const string RedisVariable = "TOKENGATE_REDIS";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo[] _folders;
    private readonly TokengateProcess[] _processes;
    private readonly int[] _killed;

    private ProcessFleet(DirectoryInfo[] folders, TokengateProcess[] processes, Uri[] endpoints, TimeSpan startedIn)
    {
        StartedIn = startedIn;
        _folders = folders;
        _processes = processes;
        _killed = new int[processes.Length];
        Endpoints = endpoints;
        Clients = [.. endpoints.Select(e => new HttpClient { BaseAddress = e, Timeout = TimeSpan.FromSeconds(60) })];
    }

    public int Count => _processes.Length;

    /// <summary>How long the processes took, started together, until every one was ready.</summary>
    public TimeSpan StartedIn { get; }

    public IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>A plain HTTP client on each instance: no retries that could hide a failed request.</summary>
    public IReadOnlyList<HttpClient> Clients { get; }

    /// <param name="redis">host:port of the Redis server.</param>
    /// <param name="postgres">The Npgsql connection string the gateways use.</param>
    /// <param name="backends">The pool's backends as (name, simulator, priority).</param>
    /// <param name="settings">More configuration (flat keys), the same for every instance.</param>
    /// <param name="instances">How many processes; <c>Tokengate:State:InstanceCount</c> says the same.</param>
    /// <param name="perInstance">Configuration of one instance only (flat keys), over the shared settings: for tests that
    /// must tell the instances apart upstream (each its own backend name, say).</param>
    public static async Task<ProcessFleet> StartAsync(string redis, string postgres, IEnumerable<(string Name, SimulatorServer Server, int Priority)> backends,
        Dictionary<string, string?>? settings = null, int instances = 3, Func<int, IEnumerable<KeyValuePair<string, string?>>>? perInstance = null)
    {
        var config = Settings(RedisVariable, PostgresVariable, $"tg-fleet-{Guid.NewGuid():N}:", instances, backends, settings);
        Dictionary<string, string> environment = new()
        {
            [PostgresVariable] = postgres,
            [RedisVariable] = redis,
            [TestBackends.KeyVariable] = TestBackends.BackendKey,
        };

        var started = Stopwatch.StartNew();
        var folders = new DirectoryInfo[instances];
        var processes = new TokengateProcess[instances];
        try
        {
            for (var i = 0; i < instances; i++)
            {
                folders[i] = Directory.CreateTempSubdirectory("tokengate-fleet-");
                var file = Path.Combine(folders[i].FullName, "tokengate.json");
                var own = new Dictionary<string, string?>(config) { ["Tokengate:Data:Directory"] = folders[i].FullName };
                foreach (var (k, v) in perInstance?.Invoke(i) ?? []) own[k] = v;
                await ConfigurationFile.WriteAsync(file, own);
                processes[i] = TokengateProcess.Start(folders[i].FullName, environment, "serve", "--urls", "http://127.0.0.1:0", "--config", file);
            }
            var endpoints = await Task.WhenAll(processes.Select(WaitUntilReadyAsync));
            return new ProcessFleet(folders, processes, endpoints, started.Elapsed);
        }
        catch
        {
            foreach (var process in processes.Where(p => p is not null)) await process.DisposeAsync();
            foreach (var folder in folders.Where(f => f is not null)) folder.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// The configuration every instance of a fleet shares (in-process or as processes): PostgreSQL and Redis through
    /// the named environment variables, the fleet's key prefix, consumers <c>app</c> and <c>ops</c>, the pool's backends.
    /// </summary>
    internal static Dictionary<string, string?> Settings(string redisVariable, string postgresVariable, string keyPrefix, int instances,
        IEnumerable<(string Name, SimulatorServer Server, int Priority)> backends, Dictionary<string, string?>? settings)
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Provider"] = "PostgreSql",
            ["Tokengate:Data:ConnectionString"] = $"env:{postgresVariable}",
            ["Tokengate:State:Provider"] = "Redis",
            ["Tokengate:State:Redis:ConnectionString"] = $"env:{redisVariable}",
            ["Tokengate:State:Redis:KeyPrefix"] = keyPrefix,
            ["Tokengate:State:InstanceCount"] = instances.ToString(CultureInfo.InvariantCulture),
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(AppKey),
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(OperatorKey),
            ["Tokengate:Consumers:ops:Roles:0"] = "operator",
        };
        var index = 0;
        foreach (var (name, server, priority) in backends)
        {
            config[$"Tokengate:Pools:{Deployment}:Backends:{index}:Model"] = "gpt-4o";
            foreach (var (k, v) in TestBackends.Backend(Deployment, index++, name, server, priority)) config[k] = v;
        }
        foreach (var (k, v) in settings ?? []) config[k] = v;
        return config;
    }

    /// <summary>A simulator for the fleet's pool, with room for far more than any test sends.</summary>
    public static async Task<SimulatorServer> StartBackendAsync()
    {
        var backend = await TestBackends.StartAsync();
        backend.Control.Update("gpt-4o", o => { o.TokensPerMinute = 10_000_000; o.RequestsPerMinutePer1000Tpm = 100; });
        return backend;
    }

    public bool IsKilled(int instance) => Volatile.Read(ref _killed[instance]) == 1;

    /// <summary>
    /// SIGKILL: the instance dies at once, as in a crash or an out-of-memory kill, without finishing its requests,
    /// settling its reservations or writing what its ledger writer still held. <see cref="IsKilled"/> is true before
    /// the signal is sent.
    /// </summary>
    public async Task KillAsync(int instance)
    {
        Volatile.Write(ref _killed[instance], 1);
        await _processes[instance].KillAsync();
    }

    /// <summary>
    /// Stops every instance still running with SIGTERM, as an orchestrator would, and waits for each to exit: their
    /// web servers finish what is in flight and their ledger writers drain, so the ledger is complete afterwards.
    /// </summary>
    public async Task StopAsync()
    {
        foreach (var client in Clients) client.Dispose();
        var exits = await Task.WhenAll(_processes.Where(p => !p.HasExited).Select(p => p.StopAsync(StopDeadline)));
        Assert.All(exits, code => Assert.Equal(0, code));
    }

    /// <summary>What an instance printed, for failure messages.</summary>
    public string Output(int instance) => $"stdout:\n{_processes[instance].StandardOutput}\nstderr:\n{_processes[instance].StandardError}";

    public static HttpRequestMessage Chat(string content, string key = AppKey, int maxTokens = 40, string deployment = Deployment) =>
        GatewayRequests.Chat(deployment, key, body: $$"""{"messages":[{"role":"user","content":"{{content}}"}],"max_tokens":{{maxTokens}}}""");

    public async Task<HttpResponseMessage> ChatAsync(int instance, string content, string key = AppKey, int maxTokens = 40) =>
        await Clients[instance].SendAsync(Chat(content, key, maxTokens));

    public async Task<(HttpStatusCode Status, JsonElement Body)> ReadyzAsync(int instance)
    {
        using var response = await Clients[instance].GetAsync("readyz");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    /// <summary>Polls each listed instance's <c>/readyz</c> until <paramref name="condition"/> holds for its body, or fails after the deadline.</summary>
    public async Task UntilReadyzAsync(IEnumerable<int> instances, Func<JsonElement, bool> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        foreach (var i in instances)
        {
            while (true)
            {
                var (status, body) = await ReadyzAsync(i);
                Assert.Equal(HttpStatusCode.OK, status);
                if (condition(body)) break;
                Assert.True(DateTime.UtcNow < until, $"instance {i} did not report {what} within {deadline}: {body}");
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Rows in the ledger and distinct record ids among them, optionally of one consumer.</summary>
    public static async Task<(long Rows, long Distinct)> LedgerAsync(string postgres, string? consumer = null)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT record_id) FROM usage_ledger WHERE @consumer::text IS NULL OR consumer = @consumer", connection);
        command.Parameters.AddWithValue("consumer", (object?)consumer ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public static string StateMode(JsonElement readyz) => readyz.GetProperty("state").GetProperty("mode").GetString()!;

    public static string Status(JsonElement readyz) => readyz.GetProperty("status").GetString()!;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients) client.Dispose();
        foreach (var process in _processes) await process.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        foreach (var folder in _folders) folder.Delete(recursive: true);
    }

    /// <summary>Waits for the address the process prints, then until its <c>/readyz</c> says ready (on the shared state, in a fleet).</summary>
    internal static async Task<Uri> WaitUntilReadyAsync(TokengateProcess process)
    {
        await process.WaitForOutputAsync("Tokengate listening on ", StartDeadline);
        var endpoint = new Uri(ListeningLine().Match(process.StandardOutput).Groups[1].Value);
        using var client = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(10) };
        var until = DateTime.UtcNow + StartDeadline;
        var last = "";
        while (true)
        {
            Assert.False(process.HasExited, $"tokengate exited.\nstdout:\n{process.StandardOutput}\nstderr:\n{process.StandardError}");
            using (var response = await client.GetAsync("readyz"))
            {
                last = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK && last.Contains("\"status\":\"ready\"", StringComparison.Ordinal)) return endpoint;
            }
            Assert.True(DateTime.UtcNow < until, $"{endpoint} not ready within {StartDeadline}: {last}\nstdout:\n{process.StandardOutput}\nstderr:\n{process.StandardError}");
            await Task.Delay(20);
        }
    }

    [GeneratedRegex(@"Tokengate listening on (\S+)")]
    private static partial Regex ListeningLine();
}
