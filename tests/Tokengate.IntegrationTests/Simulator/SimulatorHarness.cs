using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>A real simulator on a loopback port plus an HttpClient aimed at it.</summary>
internal sealed class SimulatorHarness : IAsyncDisposable
{
    public const string Key = "test-key-0123456789abcdef";
    public const string ApiVersion = "2024-10-21";

    private SimulatorHarness(SimulatorServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.Endpoint };
    }

    public SimulatorServer Server { get; }

    public HttpClient Http { get; }

    public SimulatorControl Control => Server.Control;

    public static async Task<SimulatorHarness> StartAsync(Action<SimulatorOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new SimulatorOptions { ApiKeys = [Key] };
        options.Deployments["chat"] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06" };
        options.Deployments["gpt4"] = new SimulatedDeploymentOptions { Model = "gpt-4-0613" };
        options.Deployments["instruct"] = new SimulatedDeploymentOptions { Model = "gpt-35-turbo-instruct-0914" };
        options.Deployments["embed"] = new SimulatedDeploymentOptions { Model = "text-embedding-3-small" };
        options.Deployments["embed-large"] = new SimulatedDeploymentOptions { Model = "text-embedding-3-large" };
        options.Deployments["ada"] = new SimulatedDeploymentOptions { Model = "text-embedding-ada-002" };
        options.Deployments["ptu"] = new SimulatedDeploymentOptions
        {
            Model = "gpt-4o-2024-08-06",
            Type = SimulatedDeploymentType.Provisioned,
            ProvisionedThroughputUnits = 1,
            TokensPerPtuPerMinute = 1_000,
            OutputTokenWeight = 4,
        };
        configure?.Invoke(options);
        return new SimulatorHarness(await SimulatorServer.StartAsync(options, timeProvider: time));
    }

    public static string ChatPath(string deployment) => $"openai/deployments/{deployment}/chat/completions?api-version={ApiVersion}";

    public static string EmbeddingsPath(string deployment) => $"openai/deployments/{deployment}/embeddings?api-version={ApiVersion}";

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? key = Key, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("api-key", key);
        }

        configure?.Invoke(request);
        return Http.SendAsync(request);
    }

    public async Task<JsonElement> PostOkAsync(string path, string json)
    {
        using var response = await PostAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(new MediaTypeHeaderValue("application/json"), response.Content.Headers.ContentType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : throw new Xunit.Sdk.XunitException($"Header {name} missing.");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
