using Microsoft.AspNetCore.Http;
using Tokengate.Hosting;

namespace Tokengate.Identity;

public sealed class PresentedKeysTests
{
    private static RequestEnvelope Request(string? query = null, params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext();
        if (query is not null) http.Request.QueryString = new QueryString(query);
        foreach (var (name, value) in headers) http.Request.Headers.Append(name, value);
        return RequestEnvelope.From(http.Request);
    }

    [Fact]
    public void FromWebSocket_QueryKey() =>
        Assert.Equal("k1", PresentedKeys.FromWebSocket(Request("?model=m&api-key=k1")).ToString());

    [Fact]
    public void FromWebSocket_KeySubprotocol_AmongOthers() =>
        Assert.Equal("k2", PresentedKeys.FromWebSocket(Request(null, ("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key.k2, openai-beta.realtime-v1"))).ToString());

    [Fact]
    public void FromWebSocket_HeaderWinsOverQueryAndSubprotocol() =>
        Assert.Equal("k3", PresentedKeys.FromWebSocket(Request("?api-key=k1", ("api-key", "k3"), ("Sec-WebSocket-Protocol", "openai-insecure-api-key.k2"))).ToString());

    [Fact]
    public void FromWebSocket_Nothing_Empty() =>
        Assert.True(PresentedKeys.FromWebSocket(Request("?model=m", ("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key."))).IsEmpty);

    [Fact]
    public void From_HeadersOnly_QueryIgnored() =>
        Assert.True(PresentedKeys.From(Request("?api-key=k1").Headers).IsEmpty);
}
