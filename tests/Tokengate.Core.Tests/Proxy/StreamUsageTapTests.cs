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
}
