using System.Net;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Responses;

/// <summary>
/// Model discovery answered by the gateway: Azure's classic shapes (<c>/openai/models</c>, <c>/openai/deployments/{d}</c>)
/// and the OpenAI list / retrieve shape, each listing only the deployments the consumer's scopes reach.
/// </summary>
public sealed class ModelDiscoveryTests : IAsyncLifetime
{
    private const string WideKey = "key-wide";
    private const string NarrowKey = "key-narrow";
    private SimulatorServer _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync("East US", "gpt-4o", "embed");
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:wide:KeyHashes:0"] = KeyHash.Format(WideKey),
            ["Tokengate:Consumers:narrow:KeyHashes:0"] = KeyHash.Format(NarrowKey),
            ["Tokengate:Access:Consumers:narrow:Deployments:0"] = "chat",
            ["Tokengate:Access:Consumers:narrow:Operations:0"] = "chat",
            ["Tokengate:Access:Default:Deployments:0"] = "*",
            ["Tokengate:Access:Default:Operations:0"] = "*",
        };
        foreach (var (k, v) in TestBackends.Backend("chat", 0, "c0", _backend)) config[k] = v;
        config["Tokengate:Pools:chat:Backends:0:Model"] = "gpt-4o";
        foreach (var (k, v) in TestBackends.Backend("embeddings", 0, "e0", _backend)) config[k] = v;
        config["Tokengate:Pools:embeddings:Backends:0:Deployment"] = "embed";
        config["Tokengate:Pools:embeddings:Backends:0:Model"] = "text-embedding-3-small";
        _gateway = await TestGateway.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("openai/models?api-version=2024-10-21")]
    [InlineData("openai/v1/models")]
    [InlineData("v1/models")]
    public async Task List_OnlyTheDeploymentsTheConsumersScopesReach(string path)
    {
        Assert.Equal(["chat", "embeddings"], await IdsAsync(WideKey, path));
        Assert.Equal(["chat"], await IdsAsync(NarrowKey, path));
    }

    [Fact]
    public async Task ClassicList_AzureShape()
    {
        using var json = await GetJsonAsync(WideKey, "openai/models?api-version=2024-10-21", HttpStatusCode.OK);
        var chat = json.RootElement.GetProperty("data")[0];
        Assert.Equal("model", chat.GetProperty("object").GetString());
        Assert.Equal("succeeded", chat.GetProperty("status").GetString());
        Assert.True(chat.GetProperty("capabilities").GetProperty("chat_completion").GetBoolean());
        Assert.True(json.RootElement.GetProperty("data")[1].GetProperty("capabilities").GetProperty("embeddings").GetBoolean());
    }

    [Fact]
    public async Task Retrieve_ReachableModel_AndAnUnreachableOneIs404()
    {
        using (var json = await GetJsonAsync(NarrowKey, "openai/v1/models/chat", HttpStatusCode.OK))
        {
            Assert.Equal("chat", json.RootElement.GetProperty("id").GetString());
            Assert.Equal("model", json.RootElement.GetProperty("object").GetString());
        }
        using var hidden = await SendAsync(NarrowKey, "openai/v1/models/embeddings");
        using var unknown = await SendAsync(NarrowKey, "openai/v1/models/nothing");
        await AzureErrorAssert.IsErrorAsync(hidden, HttpStatusCode.NotFound, "model_not_found");
        await AzureErrorAssert.IsErrorAsync(unknown, HttpStatusCode.NotFound, "model_not_found");
    }

    [Fact]
    public async Task Deployment_AzureShape_AndNotFoundBeyondTheScopes()
    {
        using (var json = await GetJsonAsync(WideKey, "openai/deployments/embeddings?api-version=2024-10-21", HttpStatusCode.OK))
        {
            Assert.Equal("deployment", json.RootElement.GetProperty("object").GetString());
            Assert.Equal("text-embedding-3-small", json.RootElement.GetProperty("model").GetString());
        }
        using var hidden = await SendAsync(NarrowKey, "openai/deployments/embeddings?api-version=2024-10-21");
        await AzureErrorAssert.IsErrorAsync(hidden, HttpStatusCode.NotFound, "DeploymentNotFound");
        using var noVersion = await SendAsync(WideKey, "openai/deployments/chat");
        await AzureErrorAssert.IsErrorAsync(noVersion, HttpStatusCode.NotFound, "404");
    }

    [Fact]
    public async Task NoKey_401()
    {
        using var response = await _gateway.Client.GetAsync("openai/v1/models");
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "401");
    }

    private async Task<string[]> IdsAsync(string key, string path)
    {
        using var json = await GetJsonAsync(key, path, HttpStatusCode.OK);
        return [.. json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
    }

    private async Task<JsonDocument> GetJsonAsync(string key, string path, HttpStatusCode status)
    {
        using var response = await SendAsync(key, path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    private Task<HttpResponseMessage> SendAsync(string key, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("api-key", key);
        return _gateway.Client.SendAsync(request);
    }
}
