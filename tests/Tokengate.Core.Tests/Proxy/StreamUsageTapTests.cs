using System.Text;

namespace Tokengate.Proxy;

public sealed class StreamUsageTapTests
{
    private const string Content = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello world\"},\"finish_reason\":null}],\"usage\":null}\n\n";
    private const string UsageChunk = "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":3,\"total_tokens\":22,\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n";

    [Fact]
    public void Inspect_UsageChunkTheGatewayAskedFor_HeldBackAndRead()
    {
        var tap = new StreamUsageTap(stripUsageChunk: true);
        Assert.True(tap.Inspect(Encoding.UTF8.GetBytes(Content)));
        Assert.False(tap.Inspect(Encoding.UTF8.GetBytes(UsageChunk)));
        Assert.True(tap.Inspect("data: [DONE]\n\n"u8));
        Assert.Equal((19, 4, 3), (tap.Usage!.Value.PromptTokens, tap.Usage.Value.CachedTokens, tap.Usage.Value.CompletionTokens));
        Assert.Equal("Hello world", tap.CompletionText);
    }

    [Fact]
    public void Inspect_UsageChunkTheConsumerAskedFor_Relayed()
    {
        var tap = new StreamUsageTap(stripUsageChunk: false);
        Assert.True(tap.Inspect(Encoding.UTF8.GetBytes(UsageChunk)));
        Assert.Equal(22, tap.Usage!.Value.TotalTokens);
    }

    [Fact]
    public void Inspect_ChunksNamingTheTier_TierAfterThePromptAnnotationChunkKept()
    {
        var tap = new StreamUsageTap(stripUsageChunk: false);

        Assert.True(tap.Inspect("data: {\"id\":\"\",\"choices\":[],\"prompt_filter_results\":[]}\n\n"u8));
        Assert.Null(tap.ServiceTier);
        Assert.True(tap.Inspect("data: {\"id\":\"c\",\"service_tier\":\"flex\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"u8));
        Assert.True(tap.Inspect("data: {\"id\":\"c\",\"service_tier\":\"default\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n"u8));

        Assert.Equal("flex", tap.ServiceTier);
        Assert.Equal("default", tap.Usage!.Value.ServiceTier);
    }
}
