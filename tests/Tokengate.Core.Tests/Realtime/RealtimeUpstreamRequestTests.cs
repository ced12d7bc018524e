using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tokengate.Hosting;
using Tokengate.OpenAI;

namespace Tokengate.Realtime;

public sealed class RealtimeUpstreamRequestTests
{
    private static readonly Tokengate.Configuration.GatewaySnapshot Snapshot = StepGateway.Snapshot();

    private static IQueryCollection Query(string query) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));

    [Fact]
    public void Target_AzureBackend_ConsumerOnThePreviewRoute_PreviewRouteWithTheConsumersVersionAndTheBackendsDeployment()
    {
        var east = Snapshot.PoolsByName["chat"].Backends[0];

        var uri = RealtimeUpstreamRequest.Target(east, RouteFamily.AzureClassic, "2025-04-01-preview",
            Query("?api-version=2025-04-01-preview&deployment=chat&api-key=consumer-secret&voice=alloy"));

        Assert.Equal("wss://east.example.com/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o&voice=alloy", uri.ToString());
    }

    [Theory]
    [InlineData(RouteFamily.AzureV1)]
    [InlineData(RouteFamily.OpenAI)]
    public void Target_AzureBackend_ConsumerOnV1_V1RouteWithTheBackendsDeploymentAsModel(RouteFamily family)
    {
        var east = Snapshot.PoolsByName["chat"].Backends[0];

        var uri = RealtimeUpstreamRequest.Target(east, family, null, Query("?model=chat&api-key=consumer-secret"));

        Assert.Equal("wss://east.example.com/openai/v1/realtime?model=gpt-4o", uri.ToString());
    }

    [Fact]
    public void Target_OpenAIProtocolBackend_RealtimeUnderItsBaseUrl()
    {
        var oai = Snapshot.PoolsByName["compatible"].Backends[0];

        var uri = RealtimeUpstreamRequest.Target(oai, RouteFamily.OpenAI, null, Query("?model=compatible"));

        Assert.Equal("wss://api.example.com/v1/realtime?model=compatible", uri.ToString());
    }

    [Fact]
    public void Target_PlainHttpBackend_Ws()
    {
        var snapshot = StepGateway.Snapshot(o => o.Pools["mini"].Backends[0].Endpoint = "http://127.0.0.1:5000/");

        var uri = RealtimeUpstreamRequest.Target(snapshot.PoolsByName["mini"].Backends[0], RouteFamily.AzureV1, null, Query("?model=mini"));

        Assert.Equal("ws://127.0.0.1:5000/openai/v1/realtime?model=gpt-4o-mini", uri.ToString());
    }

    [Theory]
    [InlineData("realtime", true)]
    [InlineData("openai-beta.realtime-v1", true)]
    [InlineData("openai-insecure-api-key.sk-123", false)]
    [InlineData("openai-organization.org-1", false)]
    [InlineData("openai-project.proj-1", false)]
    public void IsForwarded_OnlySubprotocolsWithoutCredentials(string protocol, bool forwarded) =>
        Assert.Equal(forwarded, RealtimeUpstreamRequest.IsForwarded(protocol));

    [Fact]
    public void Target_RepeatedParameter_EachValueForwarded()
    {
        var east = Snapshot.PoolsByName["chat"].Backends[0];
        var query = new QueryCollection(new Dictionary<string, StringValues> { ["model"] = "chat", ["tag"] = new(["a", "b c"]) });

        var uri = RealtimeUpstreamRequest.Target(east, RouteFamily.AzureV1, null, query);

        Assert.Equal("wss://east.example.com/openai/v1/realtime?model=gpt-4o&tag=a&tag=b%20c", uri.AbsoluteUri);
    }
}
