using System.Text;
using Tokengate.Hosting;
using Tokengate.Operations;

namespace Tokengate.OpenAI;

/// <summary>Step 3 on a <c>DefaultHttpContext</c>: the body read once, its fields, the pool, and stored-response affinity.</summary>
public sealed class ParseMiddlewareTests : IDisposable
{
    private const string ApiVersion = "?api-version=2024-10-21";
    private const string ChatBody = """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":50}""";

    private readonly StepServices _services = new();
    private readonly RecordingNext _next = new();

    public void Dispose() => _services.Dispose();

    private ParseMiddleware Parse() => new(_next.InvokeAsync, _services.Affinity);

    private StepContext Chat(RouteFamily family, string body, string? query = null, Configuration.GatewaySnapshot? snapshot = null)
    {
        var routeValues = family == RouteFamily.AzureClassic ? [("deployment", "chat")] : Array.Empty<(string, string)>();
        return StepContext.For(snapshot ?? StepGateway.Snapshot(), OperationRegistry.ChatCompletions, family, _services.Time, query, routeValues)
            .WithConsumer(StepGateway.AliceKey).WithBody(body);
    }

    private StepContext ResponsesCreate(string body) =>
        StepContext.For(StepGateway.Snapshot(), OperationRegistry.ResponsesCreate, RouteFamily.AzureV1, _services.Time)
            .WithConsumer(StepGateway.AliceKey).WithBody(body);

    private StepContext ResponsesGet(string id, string? query = null) =>
        StepContext.For(StepGateway.Snapshot(), OperationRegistry.ResponsesGet, RouteFamily.AzureV1, _services.Time, query, ("id", id))
            .WithConsumer(StepGateway.AliceKey);

    [Fact]
    public async Task InvokeAsync_ClassicChat_PoolApiVersionAndFieldsSet()
    {
        using var context = Chat(RouteFamily.AzureClassic, ChatBody, ApiVersion);

        await Parse().InvokeAsync(context.Http);

        Assert.Equal(1, _next.Calls);
        Assert.Equal("chat", context.Feature.Pool!.Name);
        Assert.Equal("2024-10-21", context.Feature.ApiVersion);
        Assert.Equal(50, context.Feature.Parsed.MaxTokens);
        Assert.Equal(ChatBody, context.Body);
        Assert.Null(context.Feature.PinnedBackend);
    }

    [Fact]
    public async Task InvokeAsync_V1ChatByAlias_PoolOfTheAlias()
    {
        using var context = Chat(RouteFamily.AzureV1, """{"model":"GPT-4O","messages":[]}""");

        await Parse().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Equal("chat", context.Feature.Pool!.Name);
        Assert.Null(context.Feature.ApiVersion);
    }

    /// <summary>Alice is in group <c>team-a</c>, whose own pool for <c>chat</c> (and its alias) is <c>chat-team-a</c>.</summary>
    private static Configuration.GatewaySnapshot Dedicated() => StepGateway.Snapshot(o =>
    {
        o.Consumers["alice"].Group = "team-a";
        o.Pools["chat-team-a"] = new Configuration.PoolOptions
        {
            DedicatedTo = new Configuration.PoolDedicationOptions { Deployment = "chat", Groups = ["team-a"] },
            Backends = [new Configuration.BackendOptions { Name = "team-a", Endpoint = "https://team-a.example.com", Auth = Configuration.BackendAuthMode.None }],
        };
    });

    private StepContext V1Chat(string model, string key) =>
        StepContext.For(Dedicated(), OperationRegistry.ChatCompletions, RouteFamily.AzureV1, _services.Time)
            .WithConsumer(key).WithBody($$"""{"model":"{{model}}","messages":[]}""");

    [Theory]
    [InlineData("chat", StepGateway.AliceKey, "chat-team-a")]
    [InlineData("gpt-4o", StepGateway.AliceKey, "chat-team-a")]
    [InlineData("chat-team-a", StepGateway.AliceKey, "chat-team-a")]
    [InlineData("chat", StepGateway.BobKey, "chat")]
    public async Task InvokeAsync_DeploymentWithADedicatedPool_TheGroupsPoolOrTheShared(string model, string key, string expected)
    {
        using var context = V1Chat(model, key);

        await Parse().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Equal(expected, context.Feature.Pool!.Name);
        Assert.Equal("chat", context.Feature.Pool.Deployment.Name);
    }

    [Fact]
    public async Task InvokeAsync_AnotherGroupsDedicatedPoolByName_404DeploymentNotFound()
    {
        using var context = V1Chat("chat-team-a", StepGateway.BobKey);

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(404, context.Status);
        Assert.Equal("DeploymentNotFound", context.Error().Code);
        Assert.Null(context.Feature.Pool);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("?api-version=")]
    [InlineData("?api-version=2024-10-21&api-version=2025-01-01")]
    public async Task InvokeAsync_ClassicRouteWithoutOneApiVersion_404ResourceNotFound(string? query)
    {
        using var context = Chat(RouteFamily.AzureClassic, ChatBody, query);

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(404, context.Status);
        var error = context.Error();
        Assert.Equal(("404", "Resource not found"), (error.Code, error.Message));
        Assert.Null(context.Feature.Pool);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InvokeAsync_BodyOverTheLimit_413(bool declareLength)
    {
        var snapshot = StepGateway.Snapshot(o => o.Forwarding.MaxRequestBodyBytes = 64);
        var body = """{"messages":[{"role":"user","content":"This message makes the body longer than sixty-four bytes."}]}""";
        Assert.True(Encoding.UTF8.GetByteCount(body) > 64);
        using var context = StepContext.For(snapshot, OperationRegistry.ChatCompletions, RouteFamily.AzureClassic, _services.Time, ApiVersion, ("deployment", "chat"))
            .WithConsumer(StepGateway.AliceKey).WithBody(body, declareLength);

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(413, context.Status);
        var error = context.Error();
        Assert.Equal("RequestEntityTooLarge", error.Code);
        Assert.Contains("64 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(context.Feature.Body.IsEmpty);
    }

    [Fact]
    public async Task InvokeAsync_BodyExactlyAtTheLimitWithoutLength_Accepted()
    {
        var body = """{"messages":[],"max_tokens":5}""";
        var snapshot = StepGateway.Snapshot(o => o.Forwarding.MaxRequestBodyBytes = Encoding.UTF8.GetByteCount(body));
        using var context = StepContext.For(snapshot, OperationRegistry.ChatCompletions, RouteFamily.AzureClassic, _services.Time, ApiVersion, ("deployment", "chat"))
            .WithConsumer(StepGateway.AliceKey).WithBody(body, declareLength: false);

        await Parse().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Equal(body, context.Body);
    }

    [Fact]
    public async Task InvokeAsync_InvalidJson_400InvalidRequestError()
    {
        using var context = Chat(RouteFamily.AzureClassic, """{"messages":[{"role":"user",}]""", ApiVersion);

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(400, context.Status);
        var error = context.Error();
        Assert.Equal(("invalid_request_error", "invalid_request_error"), (error.Code, error.Type));
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_InvalidUtf8_400InvalidRequestError()
    {
        var body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":"XX"}]}""");
        var at = Array.IndexOf(body, (byte)'X');
        body[at] = 0xC3;  // a lead byte followed by an ASCII byte: not UTF-8
        using var context = StepContext.For(StepGateway.Snapshot(), OperationRegistry.ChatCompletions, RouteFamily.AzureClassic, _services.Time, ApiVersion, ("deployment", "chat"))
            .WithConsumer(StepGateway.AliceKey).WithBody(body);

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(400, context.Status);
        var error = context.Error();
        Assert.Equal("invalid_request_error", error.Code);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RouteFamily.AzureV1, """{"messages":[]}""")]
    [InlineData(RouteFamily.OpenAI, """{"model":"","messages":[]}""")]
    [InlineData(RouteFamily.AzureV1, """{"model":null,"messages":[]}""")]
    public async Task InvokeAsync_V1RouteWithoutModel_400MissingModel(RouteFamily family, string body)
    {
        using var context = Chat(family, body);

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(400, context.Status);
        var error = context.Error();
        Assert.Equal(("missing_model", "model"), (error.Code, error.Param));
    }

    [Fact]
    public async Task InvokeAsync_ClassicRouteWithUnknownDeployment_404DeploymentNotFound()
    {
        using var context = StepContext.For(StepGateway.Snapshot(), OperationRegistry.ChatCompletions, RouteFamily.AzureClassic, _services.Time, ApiVersion, ("deployment", "gpt-35"))
            .WithConsumer(StepGateway.AliceKey).WithBody(ChatBody);

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(404, context.Status);
        Assert.Equal("DeploymentNotFound", context.Error().Code);
        Assert.Null(context.Feature.Pool);
    }

    [Fact]
    public async Task InvokeAsync_V1ModelNamingNoPool_404DeploymentNotFound()
    {
        using var context = Chat(RouteFamily.OpenAI, """{"model":"gpt-35","messages":[]}""");

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(404, context.Status);
        Assert.Equal("DeploymentNotFound", context.Error().Code);
    }

    [Fact]
    public async Task InvokeAsync_ClassicRouteIgnoresBodyModel_PoolFromThePath()
    {
        using var context = Chat(RouteFamily.AzureClassic, """{"model":"mini","messages":[]}""", ApiVersion);

        await Parse().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Equal("chat", context.Feature.Pool!.Name);
    }

    [Fact]
    public async Task InvokeAsync_PreviousResponseOfAnotherConsumer_404PreviousResponseNotFound_NextNotCalled()
    {
        await _services.StoreResponseAsync("resp_bob1", "bob", "chat", "west", chainTokens: 900);
        using var context = ResponsesCreate("""{"model":"chat","input":"And then?","previous_response_id":"resp_bob1"}""");

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(404, context.Status);
        var error = context.Error();
        Assert.Equal(("previous_response_not_found", "previous_response_id", "invalid_request_error"), (error.Code, error.Param, error.Type));
        Assert.Equal("Previous response with id 'resp_bob1' not found.", error.Message);
        Assert.Null(context.Feature.PinnedBackend);
        Assert.Equal(0, context.Feature.ContinuedChainTokens);
    }

    [Fact]
    public async Task InvokeAsync_PreviousResponseUnknown_404PreviousResponseNotFound()
    {
        using var context = ResponsesCreate("""{"model":"chat","input":"And then?","previous_response_id":"resp_nobody"}""");

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal((404, "previous_response_not_found"), (context.Status, context.Error().Code));
    }

    [Fact]
    public async Task InvokeAsync_OwnersPreviousResponse_PinnedToItsBackendWithChainTokens()
    {
        await _services.StoreResponseAsync("resp_alice1", "alice", "chat", "west", chainTokens: 1234);
        using var context = ResponsesCreate("""{"model":"chat","input":"And then?","previous_response_id":"resp_alice1"}""");

        await Parse().InvokeAsync(context.Http);

        Assert.Equal(1, _next.Calls);
        Assert.Equal("chat", context.Feature.Pool!.Name);
        Assert.Same(context.Snapshot.PoolsByName["chat"].Backends[1], context.Feature.PinnedBackend);
        Assert.Equal("west", context.Feature.PinnedBackend!.Name);
        Assert.Equal(1234, context.Feature.ContinuedChainTokens);
        Assert.Equal("resp_alice1", context.Feature.Parsed.PreviousResponseId);
    }

    [Fact]
    public async Task InvokeAsync_PreviousResponseInAnotherPool_400InvalidValue()
    {
        await _services.StoreResponseAsync("resp_alice2", "alice", "mini", "solo", chainTokens: 10);
        using var context = ResponsesCreate("""{"model":"chat","input":"And then?","previous_response_id":"resp_alice2"}""");

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(400, context.Status);
        var error = context.Error();
        Assert.Equal(("invalid_value", "previous_response_id"), (error.Code, error.Param));
        Assert.Null(context.Feature.PinnedBackend);
    }

    [Fact]
    public async Task InvokeAsync_PreviousResponseOnABackendNoLongerConfigured_404PreviousResponseNotFound()
    {
        await _services.StoreResponseAsync("resp_alice3", "alice", "chat", "retired", chainTokens: 10);
        using var context = ResponsesCreate("""{"model":"chat","input":"And then?","previous_response_id":"resp_alice3"}""");

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal((404, "previous_response_not_found"), (context.Status, context.Error().Code));
    }

    [Fact]
    public async Task InvokeAsync_ResponsesCreateWithoutPrevious_NotPinned()
    {
        using var context = ResponsesCreate("""{"model":"chat","input":"Hi"}""");

        await Parse().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Null(context.Feature.PinnedBackend);
        Assert.Equal(0, context.Feature.ContinuedChainTokens);
    }

    [Fact]
    public async Task InvokeAsync_LifecycleOnUnknownId_404NotFound()
    {
        using var context = ResponsesGet("resp_unknown");

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(404, context.Status);
        var error = context.Error();
        Assert.Equal(("not_found", "No response found with id 'resp_unknown'."), (error.Code, error.Message));
        Assert.Null(context.Feature.Pool);
    }

    [Fact]
    public async Task InvokeAsync_LifecycleOnAnotherConsumersId_AnsweredAsUnknown()
    {
        await _services.StoreResponseAsync("resp_bob2", "bob", "chat", "east", chainTokens: 10);
        using var unknown = ResponsesGet("resp_bob3");
        using var others = ResponsesGet("resp_bob2");

        await Parse().InvokeAsync(unknown.Http);
        await Parse().InvokeAsync(others.Http);

        Assert.False(_next.Called);
        Assert.Equal(404, others.Status);
        Assert.Equal(unknown.Error() with { Message = "" }, others.Error() with { Message = "" });
        Assert.Equal("No response found with id 'resp_bob2'.", others.Error().Message);
    }

    [Fact]
    public async Task InvokeAsync_LifecycleOnOwnId_PinnedWithStoredIdAndChain()
    {
        await _services.StoreResponseAsync("resp_alice4", "alice", "chat", "west", chainTokens: 77);
        using var context = ResponsesGet("resp_alice4", "?stream=true&starting_after=3");

        await Parse().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Equal("resp_alice4", context.Feature.StoredId);
        Assert.Equal(77, context.Feature.StoredChainTokens);
        Assert.Equal("chat", context.Feature.Pool!.Name);
        Assert.Equal("west", context.Feature.PinnedBackend!.Name);
        Assert.True(context.Feature.Parsed.Stream);
        Assert.True(context.Feature.Body.IsEmpty);
    }

    [Fact]
    public async Task InvokeAsync_LifecycleOnExpiredId_404NotFound()
    {
        await _services.StoreResponseAsync("resp_alice5", "alice", "chat", "east", chainTokens: 10);
        _services.Time.Advance(TimeSpan.FromDays(30));
        using var context = ResponsesGet("resp_alice5");

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal((404, "not_found"), (context.Status, context.Error().Code));
    }

    [Fact]
    public async Task InvokeAsync_PassThroughOnOpenAIProtocolPool_400OperationNotSupported()
    {
        using var context = StepContext.For(StepGateway.Snapshot(), OperationRegistry.DeploymentPassThrough, RouteFamily.AzureClassic, _services.Time,
                ApiVersion, ("deployment", "compatible"), ("path", "images/generations"))
            .WithConsumer(StepGateway.AliceKey).WithBody("""{"prompt":"a lighthouse"}""");

        await Parse().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(400, context.Status);
        var error = context.Error();
        Assert.Equal("OperationNotSupported", error.Code);
        Assert.Contains("'deployments.passthrough'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'compatible'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("api.example.com", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_PassThroughOnAzurePool_RawBodyKeptAsSent()
    {
        const string Multipart = "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nnot json {\r\n--b--\r\n";
        using var context = StepContext.For(StepGateway.Snapshot(), OperationRegistry.DeploymentPassThrough, RouteFamily.AzureClassic, _services.Time,
                ApiVersion, ("deployment", "chat"), ("path", "audio/transcriptions"))
            .WithConsumer(StepGateway.AliceKey).WithBody(Multipart);

        await Parse().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Equal("chat", context.Feature.Pool!.Name);
        Assert.Equal(Multipart, context.Body);
        Assert.Equal(1, context.Feature.Parsed.N);
    }
}
