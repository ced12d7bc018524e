using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Responses;

/// <summary>
/// A gateway over three simulated backends of one pool <c>chat</c> (gpt-4o, equal priority, so a new conversation may
/// start on any of them), and two consumers, <c>alice</c> and <c>bob</c>. Each simulator keeps its own stored
/// responses, as Azure resources do: a follow-up sent to the wrong backend fails with <c>previous_response_not_found</c>.
/// </summary>
internal sealed class ResponsesHarness : IAsyncDisposable
{
    public const string Pool = "chat";
    public const string Deployment = "gpt-4o";
    public const string AliceKey = "key-alice";
    public const string BobKey = "key-bob";

    private ResponsesHarness(List<SimulatorServer> backends, TestGateway gateway)
    {
        Backends = backends;
        Gateway = gateway;
    }

    public IReadOnlyList<SimulatorServer> Backends { get; }

    public TestGateway Gateway { get; }

    public static async Task<ResponsesHarness> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var backends = new List<SimulatorServer>();
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:alice:KeyHashes:0"] = KeyHash.Format(AliceKey),
            ["Tokengate:Consumers:bob:KeyHashes:0"] = KeyHash.Format(BobKey),
        };
        for (var i = 0; i < 3; i++)
        {
            var backend = await TestBackends.StartAsync();
            backend.Control.Update(Deployment, o => o.TokensPerMinute = 10_000_000);
            backends.Add(backend);
            foreach (var (k, v) in TestBackends.Backend(Pool, i, $"b{i}", backend)) config[k] = v;
            config[$"Tokengate:Pools:{Pool}:Backends:{i}:Model"] = "gpt-4o";
        }
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        return new ResponsesHarness(backends, await TestGateway.StartAsync(config));
    }

    /// <summary>Requests received by each backend's deployment so far.</summary>
    public long[] Received() => [.. Backends.Select(b => b.Control.GetStats(Deployment).RequestsReceived)];

    public Task<HttpResponseMessage> CreateAsync(string key, string body, bool stream = false) =>
        SendAsync(key, HttpMethod.Post, "openai/v1/responses", body, stream);

    public async Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, string? body = null, bool stream = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await Gateway.Client.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
        return response;
    }

    /// <summary>Creates a stored response and returns its id.</summary>
    public async Task<string> CreateStoredAsync(string key, string input, string? previous = null)
    {
        var body = previous is null
            ? $$"""{"model":"{{Pool}}","input":"{{input}}","max_output_tokens":20}"""
            : $$"""{"model":"{{Pool}}","input":"{{input}}","max_output_tokens":20,"previous_response_id":"{{previous}}"}""";
        using var response = await CreateAsync(key, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var backend in Backends) await backend.DisposeAsync();
    }
}
