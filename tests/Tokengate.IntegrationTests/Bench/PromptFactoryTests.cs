using System.Text.Json;
using Tokengate.Bench;
using Tokengate.Bench.Load;
using Tokengate.Bench.Tokens;
using Tokengate.IntegrationTests.Simulator;

namespace Tokengate.IntegrationTests.Bench;

/// <summary>Every shape's body has exactly its context tokens, counted independently, and no two share a prefix.</summary>
public sealed class PromptFactoryTests
{
    [Theory]
    [InlineData("balanced", null, null, 500, 500)]
    [InlineData("context", null, null, 2000, 200)]
    [InlineData("generation", null, null, 500, 1000)]
    [InlineData("custom", 984, 16, 984, 16)]
    [InlineData("custom", 8, 1, 8, 1)]
    public void Create_ChatShape_HasExactPromptTokensAndMaxTokens(string name, int? context, int? max, int expectedContext, int expectedMax)
    {
        var shape = RequestShape.Resolve(name, context, max, out var error)!;
        Assert.Null(error);
        var factory = new PromptFactory(shape, BenchOperation.Chat, null, stream: false, BenchTokenizer.Default, new Random(7));

        using var body = JsonDocument.Parse(factory.Create());
        var content = body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.Equal(expectedContext, ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", content, null)));
        Assert.Equal(expectedMax, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.False(body.RootElement.TryGetProperty("stream", out _));
        Assert.False(body.RootElement.TryGetProperty("model", out _));
    }

    [Fact]
    public void Create_Embeddings_InputHasExactTokens()
    {
        var factory = new PromptFactory(RequestShape.Resolve("context", null, null, out _)!, BenchOperation.Embeddings, "embed", stream: false, BenchTokenizer.Default, new Random(7));

        using var body = JsonDocument.Parse(factory.Create());
        Assert.Equal(2000, ReferenceTokenCounter.O200kBase.CountTokens(body.RootElement.GetProperty("input").GetString()!));
        Assert.Equal("embed", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void Create_Streaming_AsksForUsageAndCarriesModelOnV1()
    {
        var factory = new PromptFactory(new RequestShape("custom", 50, 10), BenchOperation.Chat, "my \"deployment\"", stream: true, BenchTokenizer.Default, new Random(7));

        using var body = JsonDocument.Parse(factory.Create());
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        Assert.True(body.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("my \"deployment\"", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void Create_TwoBodies_StartDifferently()
    {
        var factory = new PromptFactory(new RequestShape("balanced", 500, 500), BenchOperation.Chat, null, stream: false, BenchTokenizer.Default, new Random(7));

        string Prefix() => string.Join(' ', JsonDocument.Parse(factory.Create()).RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!
            .Split(' ').Take(PromptFactory.RandomPrefixWords));

        Assert.NotEqual(Prefix(), Prefix());
    }
}
