using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;
using Tokengate.Routing;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Responses;

/// <summary>
/// Operations the gateway does not meter: forwarded as they are to a deployment's backend for consumers whose scope
/// grants <c>*</c>, logged, never a silent 404; paths it does not serve at all answer a 404 that says so.
/// </summary>
public sealed class PassThroughTests : IAsyncLifetime
{
    private const string AllKey = "key-all";
    private const string ChatOnlyKey = "key-chat-only";
    private SimulatorServer _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:all:KeyHashes:0"] = KeyHash.Format(AllKey),
            ["Tokengate:Consumers:chatonly:KeyHashes:0"] = KeyHash.Format(ChatOnlyKey),
            ["Tokengate:Access:Consumers:chatonly:Deployments:0"] = "*",
            ["Tokengate:Access:Consumers:chatonly:Operations:0"] = "chat",
            ["Tokengate:Access:Default:Deployments:0"] = "*",
            ["Tokengate:Access:Default:Operations:0"] = "*",
            ["Tokengate:Pools:openai:Backends:0:Name"] = "openai-compatible",
            ["Tokengate:Pools:openai:Backends:0:Endpoint"] = new Uri(_backend.Endpoint, "openai/v1/").ToString(),
            ["Tokengate:Pools:openai:Backends:0:Protocol"] = "OpenAI",
            ["Tokengate:Pools:openai:Backends:0:Deployment"] = "gpt-4o",
            ["Tokengate:Pools:openai:Backends:0:ApiKey"] = $"env:{TestBackends.KeyVariable}",
        };
        foreach (var (k, v) in TestBackends.Backend("chat", 0, "b0", _backend)) config[k] = v;
        _gateway = await TestGateway.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task UnmeteredDeploymentOperation_ForwardedAsItIs_BackendsAnswerRelayed_HealthUntouched_Logged()
    {
        using var response = await SendAsync(AllKey, "openai/deployments/chat/images/generations?api-version=2024-10-21", """{"prompt":"a lighthouse"}""");

        // The backend's chat deployment does not generate images: its own 400 comes back, and the backend is not put
        // to rest for it.
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "OperationNotSupported");
        Assert.DoesNotContain("does not serve", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("East US", response.Headers.GetValues("x-ms-region").Single());
        var backend = Assert.Single(_gateway.Services.GetRequiredService<Tokengate.Configuration.GatewayConfiguration>().Current.PoolsByName["chat"].Backends);
        var health = _gateway.Services.GetRequiredService<IBackendHealth>().Describe(backend);
        Assert.Null(health.CoolingUntil);
        Assert.Equal(0, health.Recent.Failures);
        await WaitForLedgerAsync(1);
    }

    [Fact]
    public async Task UnmeteredDeploymentOperation_WithoutTheStarScope_403()
    {
        using var response = await SendAsync(ChatOnlyKey, "openai/deployments/chat/audio/speech?api-version=2024-10-21", """{"input":"hi"}""");

        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "PermissionDenied");
    }

    [Fact]
    public async Task PathNoOperationServes_404ThatSaysSo()
    {
        using var response = await SendAsync(AllKey, "openai/v1/vector_stores", """{"name":"kb"}""");

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "404");
        Assert.Contains("does not serve 'POST /openai/v1/vector_stores'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AzureOnlyRouteOnOpenAIProtocolBackends_400ThatSaysSo()
    {
        using var response = await SendAsync(AllKey, "openai/deployments/openai/extensions/chat/completions?api-version=2024-10-21", """{"messages":[]}""");

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "OperationNotSupported");
        Assert.Contains("deployments.passthrough", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(string key, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("api-key", key);
        return await _gateway.Client.SendAsync(request);
    }

    private async Task WaitForLedgerAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await LimitsHarness.ReadLedgerAsync(_gateway.Data)).Records < count)
        {
            Assert.True(DateTime.UtcNow < deadline, "no ledger row within 20 s");
            await Task.Delay(25);
        }
    }
}
