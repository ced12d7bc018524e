using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class ProtocolErrorsTests : IAsyncLifetime
{
    private const string Hi = """{"messages":[{"role":"user","content":"Hi"}]}""";
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync(o => o.Deployments["small"] = new() { ContextWindow = 50 });

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Post_MissingApiVersion_Returns404ResourceNotFound()
    {
        using var response = await _sim.PostAsync("openai/deployments/chat/chat/completions", Hi);

        await AssertAzureErrorAsync(response, 404, "404", "Resource not found");
    }

    [Theory]
    [InlineData("2024-10-21")]
    [InlineData("2025-04-01-preview")]
    [InlineData("2031-01-01-preview")]
    public async Task Post_AnyDatedApiVersion_Accepted(string version)
    {
        using var response = await _sim.PostAsync($"openai/deployments/chat/chat/completions?api-version={version}", Hi);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Post_UnknownDeployment_Returns404DeploymentNotFound()
    {
        using var classic = await _sim.PostAsync(SimulatorHarness.ChatPath("nope"), Hi);
        await AssertAzureErrorAsync(classic, 404, "DeploymentNotFound",
            "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.");

        using var v1 = await _sim.PostAsync("openai/v1/chat/completions", """{"model":"nope","messages":[{"role":"user","content":"Hi"}]}""");
        await AssertAzureErrorAsync(v1, 404, "DeploymentNotFound", null);
    }

    [Fact]
    public async Task Post_ChatToEmbeddingsDeployment_Returns400OperationNotSupported()
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("embed"), Hi);

        var error = await AssertAzureErrorAsync(response, 400, "OperationNotSupported", null);
        Assert.StartsWith("The chatCompletion operation does not work with the specified model, embed.", error.GetProperty("message").GetString());
        Assert.Equal("embed", SimulatorHarness.Header(response, "x-ms-deployment-name"));
    }

    [Fact]
    public async Task Post_EmbeddingsToChatDeployment_Returns400OperationNotSupported()
    {
        using var response = await _sim.PostAsync(SimulatorHarness.EmbeddingsPath("chat"), """{"input":"x"}""");

        var error = await AssertAzureErrorAsync(response, 400, "OperationNotSupported", null);
        Assert.StartsWith("The embeddings operation does not work", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Post_MissingOrWrongKey_Returns401(string? key)
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi, key);

        await AssertAzureErrorAsync(response, 401, "401",
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
    }

    [Theory]
    [InlineData(SimulatorHarness.Key)]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzLmF6dXJlLmNvbSJ9.c2ln")]
    public async Task Post_BearerKeyOrJwt_Accepted(string token)
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi, key: null, r => r.Headers.Authorization = new("Bearer", token));

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Post_EmptyKeyList_AcceptsAnyKeyButRequiresOne()
    {
        await using var open = await SimulatorHarness.StartAsync(o => o.ApiKeys = []);

        using var any = await open.PostAsync(SimulatorHarness.ChatPath("chat"), Hi, "whatever");
        using var none = await open.PostAsync(SimulatorHarness.ChatPath("chat"), Hi, key: null);

        Assert.Equal(200, (int)any.StatusCode);
        Assert.Equal(401, (int)none.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    public async Task Post_MalformedJson_Returns400InvalidRequest(string body)
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), body);
        var json = await SimulatorHarness.ReadJsonAsync(response);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
        Assert.StartsWith("We could not parse the JSON body of your request.", json.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_PromptPlusMaxTokensOverWindow_Returns400ContextLengthExceeded()
    {
        var prompt = ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", "Hi", null));
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("small"), """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":100}""");
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal($"This model's maximum context length is 50 tokens. However, you requested {prompt + 100} tokens ({prompt} in the messages, 100 in the completion). Please reduce the length of the messages or completion.",
            error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_PromptAloneOverWindow_Returns400WithMessagesCount()
    {
        var content = string.Join(' ', Enumerable.Repeat("token", 80));
        var prompt = ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", content, null));
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("small"), $$"""{"messages":[{"role":"user","content":"{{content}}"}]}""");
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal($"This model's maximum context length is 50 tokens. However, your messages resulted in {prompt} tokens. Please reduce the length of the messages.",
            error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_UnknownOpenAIPath_Returns404ResourceNotFound()
    {
        using var response = await _sim.PostAsync("openai/deployments/chat/unknown?api-version=2024-10-21", Hi);

        await AssertAzureErrorAsync(response, 404, "404", "Resource not found");
    }

    [Fact]
    public async Task Post_Any_CarriesRequestIdRegionAndEchoesClientRequestId()
    {
        using var ok = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi, configure: r => r.Headers.Add("x-ms-client-request-id", "client-123"));
        using var error = await _sim.PostAsync(SimulatorHarness.ChatPath("nope"), Hi);

        foreach (var response in new[] { ok, error })
        {
            var id = SimulatorHarness.Header(response, "apim-request-id");
            Assert.True(Guid.TryParse(id, out _));
            Assert.Equal(id, SimulatorHarness.Header(response, "x-request-id"));
            Assert.Equal("East US", SimulatorHarness.Header(response, "x-ms-region"));
        }

        Assert.Equal("client-123", SimulatorHarness.Header(ok, "x-ms-client-request-id"));
        Assert.Equal("chat", SimulatorHarness.Header(ok, "x-ms-deployment-name"));
        Assert.NotEqual(SimulatorHarness.Header(ok, "apim-request-id"), SimulatorHarness.Header(error, "apim-request-id"));
    }

    /// <summary>Asserts the front-door error shape and the headers every error must carry; returns <c>error</c>.</summary>
    private static async Task<JsonElement> AssertAzureErrorAsync(HttpResponseMessage response, int status, string code, string? message)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (message is not null)
        {
            Assert.Equal(message, error.GetProperty("message").GetString());
        }

        Assert.True(Guid.TryParse(SimulatorHarness.Header(response, "apim-request-id"), out _));
        Assert.Equal(SimulatorHarness.Header(response, "apim-request-id"), SimulatorHarness.Header(response, "x-request-id"));
        Assert.Equal("East US", SimulatorHarness.Header(response, "x-ms-region"));
        return error;
    }
}
