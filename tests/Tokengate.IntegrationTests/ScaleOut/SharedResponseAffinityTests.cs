using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>
/// Stored responses across a fleet of three gateway processes on Redis and PostgreSQL, over three simulated backends
/// of one pool at equal priority. Each simulator keeps its own stored responses, so a turn that reached any backend
/// but the one holding its <c>previous_response_id</c> would fail with <c>previous_response_not_found</c>: every turn
/// of a conversation goes through another process, and each must find the record another process wrote.
/// </summary>
public sealed class SharedResponseAffinityTests(ITestOutputHelper output)
{
    private const string OtherKey = "key-fleet-other";
    private const string Responses = "openai/v1/responses";

    [Fact]
    public async Task Conversations_EachTurnThroughAnotherProcess_EveryTurnSucceeds_AndTheLastReadsBackThroughEveryProcess()
    {
        const int Conversations = 6, Turns = 4;
        await using var postgres = await TestPostgres.CreateAsync();
        var backends = await StartBackendsAsync();
        try
        {
            await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, postgres.ConnectionString, Pool(backends));

            // Turn t of every conversation goes through instance t mod 3: started through 0, continued through 1, then 2,
            // then 0 again. Three conversations at a time, so the processes also interleave each other's writes.
            using var gate = new SemaphoreSlim(3);
            var chains = await Task.WhenAll(Enumerable.Range(0, Conversations).Select(async c =>
            {
                await gate.WaitAsync();
                try
                {
                    var ids = new List<string>();
                    for (var turn = 0; turn < Turns; turn++)
                    {
                        var previous = turn == 0 ? null : ids[^1];
                        ids.Add(await CreateAsync(fleet, turn % fleet.Count, ProcessFleet.AppKey, $"Conversation {c}, turn {turn}", previous));
                    }
                    return ids;
                }
                finally
                {
                    gate.Release();
                }
            }));

            // One backend call per turn: none went to a backend that did not hold its previous response, none was retried.
            var received = Received(backends);
            output.WriteLine($"turns received per backend: {string.Join(", ", received)}");
            Assert.Equal(Conversations * Turns, received.Sum());
            Assert.Equal(Conversations * Turns, chains.SelectMany(ids => ids).Distinct().Count());

            // Each conversation's last response reads back through every process, and is the response it names.
            foreach (var last in chains.Select(ids => ids[^1]))
            {
                for (var instance = 0; instance < fleet.Count; instance++)
                {
                    using var read = await SendAsync(fleet, instance, ProcessFleet.AppKey, HttpMethod.Get, $"{Responses}/{last}");
                    var text = await read.Content.ReadAsStringAsync();
                    Assert.True(read.StatusCode == HttpStatusCode.OK, $"GET {last} through instance {instance}: {(int)read.StatusCode} {text}");
                    using var json = JsonDocument.Parse(text);
                    Assert.Equal(last, json.RootElement.GetProperty("id").GetString());
                }
            }

            // The durable copy of every record reaches PostgreSQL, written off the request path.
            await UntilAsync(async () => await AffinityRowsAsync(postgres.ConnectionString, "app") == Conversations * Turns,
                TimeSpan.FromSeconds(30), $"{Conversations * Turns} affinity records of app in PostgreSQL");
        }
        finally
        {
            foreach (var backend in backends) await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnotherConsumersResponse_ThroughAnotherProcess_404AsIfItDidNotExist()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var backends = await StartBackendsAsync();
        try
        {
            await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, postgres.ConnectionString, Pool(backends),
                new() { ["Tokengate:Consumers:other:KeyHashes:0"] = KeyHash.Format(OtherKey) });
            var id = await CreateAsync(fleet, 0, ProcessFleet.AppKey, "App's secret", previous: null);
            var received = Received(backends).Sum();

            foreach (var instance in new[] { 1, 2 })
            {
                using var read = await SendAsync(fleet, instance, OtherKey, HttpMethod.Get, $"{Responses}/{id}");
                await AzureErrorAssert.IsErrorAsync(read, HttpStatusCode.NotFound, "not_found");
                using var items = await SendAsync(fleet, instance, OtherKey, HttpMethod.Get, $"{Responses}/{id}/input_items");
                await AzureErrorAssert.IsErrorAsync(items, HttpStatusCode.NotFound, "not_found");
                using var deleted = await SendAsync(fleet, instance, OtherKey, HttpMethod.Delete, $"{Responses}/{id}");
                await AzureErrorAssert.IsErrorAsync(deleted, HttpStatusCode.NotFound, "not_found");
                using var continued = await SendAsync(fleet, instance, OtherKey, HttpMethod.Post, Responses,
                    $$"""{"model":"{{ProcessFleet.Deployment}}","input":"Tell me","previous_response_id":"{{id}}"}""");
                await AzureErrorAssert.IsErrorAsync(continued, HttpStatusCode.NotFound, "previous_response_not_found");
            }

            // The gateway answered every one of them itself: no backend was asked.
            Assert.Equal(received, Received(backends).Sum());
            // The owner still reads it, through a process other than the one that created it.
            using var owner = await SendAsync(fleet, 2, ProcessFleet.AppKey, HttpMethod.Get, $"{Responses}/{id}");
            Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        }
        finally
        {
            foreach (var backend in backends) await backend.DisposeAsync();
        }
    }

    private static async Task<SimulatorServer[]> StartBackendsAsync()
    {
        var backends = new SimulatorServer[3];
        try
        {
            for (var i = 0; i < backends.Length; i++) backends[i] = await ProcessFleet.StartBackendAsync();
            return backends;
        }
        catch
        {
            foreach (var backend in backends.Where(b => b is not null)) await backend.DisposeAsync();
            throw;
        }
    }

    /// <summary>The three simulators as backends b0..b2 of the fleet's pool, all at priority 1.</summary>
    private static IEnumerable<(string Name, SimulatorServer Server, int Priority)> Pool(SimulatorServer[] backends) =>
        backends.Select((server, i) => ($"b{i}", server, 1));

    private static long[] Received(SimulatorServer[] backends) =>
        [.. backends.Select(b => b.Control.GetStats("gpt-4o").RequestsReceived)];

    /// <summary>Creates a stored response (store is left to its default, true) through one instance and returns its id.</summary>
    private static async Task<string> CreateAsync(ProcessFleet fleet, int instance, string key, string input, string? previous)
    {
        var body = previous is null
            ? $$"""{"model":"{{ProcessFleet.Deployment}}","input":"{{input}}","max_output_tokens":20}"""
            : $$"""{"model":"{{ProcessFleet.Deployment}}","input":"{{input}}","max_output_tokens":20,"previous_response_id":"{{previous}}"}""";
        using var response = await SendAsync(fleet, instance, key, HttpMethod.Post, Responses, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"'{input}' through instance {instance} (previous {previous ?? "none"}): {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(ProcessFleet fleet, int instance, string key, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await fleet.Clients[instance].SendAsync(request);
    }

    private static async Task<long> AffinityRowsAsync(string postgres, string consumer)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM affinity_records WHERE consumer = @consumer", connection);
        command.Parameters.AddWithValue("consumer", consumer);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"not reached within {deadline}: {what}");
            await Task.Delay(50);
        }
    }
}
