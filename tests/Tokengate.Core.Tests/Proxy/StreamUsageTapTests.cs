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
        tap.Relayed(Encoding.UTF8.GetBytes(Content + UsageChunk + "data: [DONE]\n\n"));
        Assert.Equal((19, 4, 3), (tap.Usage!.Value.PromptTokens, tap.Usage.Value.CachedTokens, tap.Usage.Value.CompletionTokens));
        Assert.Equal("Hello world", tap.CompletionText);
    }

    [Fact]
    public void Relayed_TextOfTheInspectedEvents_KeptOnlyOnceTheyAreRelayed()
    {
        var tap = new StreamUsageTap(stripUsageChunk: false);
        var events = Chunk("Hel") + "data: {\"id\":\"c\",\"choices\":[],\"prompt_filter_results\":[]}\r\n\r\n" + Chunk("lo");
        foreach (var sseEvent in Split(events)) Assert.True(tap.Inspect(Encoding.UTF8.GetBytes(sseEvent)));

        Assert.Equal("", tap.CompletionText);
        tap.Relayed(Encoding.UTF8.GetBytes(events));
        Assert.Equal("Hello", tap.CompletionText);

        // The next batch starts counting its events afresh.
        Assert.True(tap.Inspect(Encoding.UTF8.GetBytes(Chunk(" world"))));
        tap.Relayed(Encoding.UTF8.GetBytes(Chunk(" world")));
        Assert.Equal("Hello world", tap.CompletionText);
    }

    [Fact]
    public void Relayed_ABacklogOfEventsInOneBatch_EveryTextKeptInOrder()
    {
        var tap = new StreamUsageTap(stripUsageChunk: false);
        var events = string.Concat(Enumerable.Range(0, 100).Select(i => Chunk($"{i},")));
        foreach (var sseEvent in Split(events)) tap.Inspect(Encoding.UTF8.GetBytes(sseEvent));
        tap.Relayed(Encoding.UTF8.GetBytes(events));

        Assert.Equal(string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},")), tap.CompletionText);
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

    private static string Chunk(string content) =>
        $"data: {{\"id\":\"c\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}}}}]}}\n\n";

    private static IEnumerable<string> Split(string events)
    {
        for (var rest = events; rest.Length > 0;)
        {
            var length = StreamTap.NextEventLength(Encoding.UTF8.GetBytes(rest));
            yield return rest[..length];
            rest = rest[length..];
        }
    }
}
