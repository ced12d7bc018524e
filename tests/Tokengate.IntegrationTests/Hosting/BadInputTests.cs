using System.Net;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Hosting;

/// <summary>Every bad input gets the right status and an Azure-shaped error, and the gateway keeps serving.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Theory]
    [InlineData("{\"messages\": [", "invalid_request_error")]
    [InlineData("not json at all", "invalid_request_error")]
    [InlineData("[1,2,3]", "invalid_request_error")]
    [InlineData("{\"messages\":[]} trailing", "invalid_request_error")]
    [InlineData("{\"messages\":[],\"max_tokens\":-5}", "invalid_request_error")]
    public async Task Chat_MalformedBody_Returns400(string body, string code)
    {
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat(UpEnvironment.ChatDeployment, _up.Key, body: body));
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, code);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Chat_UnknownDeployment_Returns404DeploymentNotFound()
    {
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat("no-such-deployment", _up.Key));
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "DeploymentNotFound");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task V1Chat_UnknownModel_Returns404DeploymentNotFound()
    {
        using var response = await _up.Client.SendAsync(GatewayRequests.Post("openai/v1/chat/completions", _up.Key, """{"model":"nope","messages":[]}"""));
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "DeploymentNotFound");
    }

    [Fact]
    public async Task V1Chat_NoModel_Returns400()
    {
        using var response = await _up.Client.SendAsync(GatewayRequests.Post("openai/v1/chat/completions", _up.Key, """{"messages":[]}"""));
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "missing_model");
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Chat_MissingApiVersion_Returns404ResourceNotFound()
    {
        using var response = await _up.Client.SendAsync(GatewayRequests.Post($"openai/deployments/{UpEnvironment.ChatDeployment}/chat/completions", _up.Key, """{"messages":[]}"""));
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "404");
        Assert.Equal("Resource not found", error.GetProperty("message").GetString());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task UnknownPath_Returns404ResourceNotFound()
    {
        using var response = await _up.Client.SendAsync(GatewayRequests.Post("openai/deployments/gpt-4o/unknown/op?api-version=2024-10-21", _up.Key, "{}"));
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "404");
    }

    [Fact]
    public async Task Chat_BodyOverLimit_Returns413AndKeepsServing()
    {
        // Default limit is 16 MiB; send a syntactically valid body just over it.
        var padding = new string('a', 16 * 1024 * 1024);
        var body = $$"""{"messages":[{"role":"user","content":"{{padding}}"}]}""";
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat(UpEnvironment.ChatDeployment, _up.Key, body: body));
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Chat_ChunkedBodyOverLimit_Returns413()
    {
        var padding = new string('a', 16 * 1024 * 1024);
        var request = GatewayRequests.Chat(UpEnvironment.ChatDeployment, _up.Key, body: "{}");
        request.Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{"messages":[{"role":"user","content":"{{padding}}"}]}""")));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await _up.Client.SendAsync(request);
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tg_dev_not-the-key")]
    public async Task Chat_BadKey_Returns401(string? key)
    {
        var request = GatewayRequests.Chat(UpEnvironment.ChatDeployment, key: null);
        if (key is not null) request.Headers.TryAddWithoutValidation("api-key", key);
        using var response = await _up.Client.SendAsync(request);
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "401");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task V1Chat_KeyAsBearer_IsAccepted()
    {
        var request = GatewayRequests.Post("openai/v1/chat/completions", key: null, $$"""{"model":"{{UpEnvironment.ChatAlias}}","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""");
        request.Headers.Authorization = new("Bearer", _up.Key);
        using var response = await _up.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Errors_NeverRevealBackendAddresses()
    {
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat("no-such-deployment", _up.Key));
        var text = await response.Content.ReadAsStringAsync();
        foreach (var backend in _up.Environment.Backends)
            Assert.DoesNotContain(backend.Server.Endpoint.Authority, text, StringComparison.Ordinal);
    }

    private async Task AssertStillServingAsync()
    {
        using var response = await _up.Client.SendAsync(GatewayRequests.Chat(UpEnvironment.ChatDeployment, _up.Key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
