using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Operations;

namespace Tokengate.Realtime;

/// <summary>The client-secrets step on a <c>DefaultHttpContext</c>: refused for metered consumers, or for everyone.</summary>
public sealed class ClientSecretsStepTests : IDisposable
{
    private readonly StepServices _services = new();

    public void Dispose() => _services.Dispose();

    private GatewayError? Check(GatewaySnapshot snapshot, string key, ClientSecretsPolicy policy)
    {
        using var context = StepContext.For(snapshot, OperationRegistry.RealtimeClientSecrets, RouteFamily.AzureV1, _services.Time)
            .WithBody("""{"session":{"type":"realtime","model":"chat"}}""").WithConsumer(key).Parsed("chat");
        return new ClientSecretsStep(_services.FailureAudit()).Check(context.Feature, policy);
    }

    [Fact]
    public void Check_UnmeteredConsumer_Passes() =>
        Assert.Null(Check(StepGateway.Snapshot(), StepGateway.AliceKey, ClientSecretsPolicy.RefuseMetered));

    [Fact]
    public void Check_ConsumerWithATokenLimit_403()
    {
        var snapshot = StepGateway.Snapshot(o => o.Limits.Consumers["alice"] = new LimitRuleOptions { TokensPerMinute = 1000 });

        var refused = Check(snapshot, StepGateway.AliceKey, ClientSecretsPolicy.RefuseMetered);

        Assert.Equal((403, "client_secrets_not_allowed"), (refused?.Status, refused?.Code));
        Assert.Contains("neither meter", refused!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ConsumerWithABudget_403()
    {
        var snapshot = StepGateway.Snapshot(o => o.Budgets.Consumers["alice"] = [new BudgetOptions { Amount = 5 }]);

        Assert.Equal(403, Check(snapshot, StepGateway.AliceKey, ClientSecretsPolicy.RefuseMetered)?.Status);
        Assert.Null(Check(snapshot, StepGateway.BobKey, ClientSecretsPolicy.RefuseMetered));
    }

    [Fact]
    public void Check_RefuseAll_403ForAnUnmeteredConsumerToo()
    {
        var refused = Check(StepGateway.Snapshot(), StepGateway.AliceKey, ClientSecretsPolicy.RefuseAll);

        Assert.Equal(403, refused?.Status);
        Assert.StartsWith("This gateway does not mint realtime client secrets.", refused!.Message, StringComparison.Ordinal);
    }
}
