using System.Text.Json;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Operations;

namespace Tokengate.Proxy;

/// <summary>The backend request's body: the service tier each backend maps for the request's class.</summary>
public sealed class UpstreamRequestFactoryTests : IDisposable
{
    private readonly StepServices _services = new();

    public void Dispose() => _services.Dispose();

    private static GatewaySnapshot Snapshot() => StepGateway.Snapshot(o =>
    {
        o.Pools["chat"].Backends[0].ServiceTiers["low"] = "flex";
        o.Consumers["bob"].AllowedServiceTiers = ["priority"];
    });

    private async Task<(string? Tier, string? Sent)> SentAsync(GatewaySnapshot snapshot, OperationDescriptor operation, RouteFamily family, string key, string body, string priority, int backend)
    {
        using var context = StepContext.For(snapshot, operation, family, _services.Time, null, ("deployment", "chat")).WithConsumer(key).WithBody(body).Parsed("chat");
        context.Feature.Priority = snapshot.Priorities.Classes.Single(c => c.Name == priority);
        using var request = UpstreamRequestFactory.Create(context.Feature, snapshot.PoolsByName["chat"].Backends[backend]);
        using var document = JsonDocument.Parse(await request.Content!.ReadAsByteArrayAsync());
        var tier = document.RootElement.TryGetProperty("service_tier", out var value) ? value.GetString() : null;
        return (tier, context.Feature.Outcome.SentServiceTier);
    }

    [Fact]
    public async Task Create_ClassMappedOnThisBackend_TierWrittenAndNoted()
    {
        var snapshot = Snapshot();

        var (tier, sent) = await SentAsync(snapshot, OperationRegistry.ChatCompletions, RouteFamily.AzureClassic, StepGateway.AliceKey, """{"messages":[{"role":"user","content":"hi"}]}""", "low", backend: 0);

        Assert.Equal(("flex", "flex"), (tier, sent));
    }

    [Fact]
    public async Task Create_ClassNotMappedOnTheOtherBackend_DisallowedTierRemoved()
    {
        var snapshot = Snapshot();

        var (tier, sent) = await SentAsync(snapshot, OperationRegistry.ChatCompletions, RouteFamily.AzureClassic, StepGateway.AliceKey,
            """{"messages":[{"role":"user","content":"hi"}],"service_tier":"priority"}""", "low", backend: 1);

        Assert.Equal((null, null), (tier, sent));
    }

    [Fact]
    public async Task Create_AllowedTier_PassedThroughOverTheMapping()
    {
        var snapshot = Snapshot();

        var (tier, sent) = await SentAsync(snapshot, OperationRegistry.ResponsesCreate, RouteFamily.AzureV1, StepGateway.BobKey,
            """{"model":"chat","input":"hi","service_tier":"priority"}""", "low", backend: 0);

        Assert.Equal(("priority", "priority"), (tier, sent));
    }

    [Fact]
    public async Task Create_OperationWithoutServiceTier_BodyUntouched()
    {
        var snapshot = Snapshot();

        var (tier, sent) = await SentAsync(snapshot, OperationRegistry.Embeddings, RouteFamily.AzureClassic, StepGateway.AliceKey, """{"input":"hi"}""", "low", backend: 0);

        Assert.Equal((null, null), (tier, sent));
    }
}
