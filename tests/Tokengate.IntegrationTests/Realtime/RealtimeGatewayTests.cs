using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Realtime;

/// <summary>Realtime sessions through the gateway with <see cref="ClientWebSocket"/>: relay, metering, credentials, refusals and failover.</summary>
public sealed class RealtimeGatewayTests : IAsyncLifetime
{
    private const string GaPath = "openai/v1/realtime?model=realtime";
    private const string PreviewPath = "openai/realtime?api-version=2025-04-01-preview&deployment=realtime";

    // pcm16 at 24 kHz mono: one second of silence.
    private static readonly string OneSecondOfAudio = Convert.ToBase64String(new byte[48_000]);

    private RealtimeHarness _h = null!;

    public async Task InitializeAsync() => _h = await RealtimeHarness.StartAsync(backends: 2, record: true);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task TextTurn_GaRoute_EventsInOrderAndOneLedgerRowPricedFromTheReportedUsage()
    {
        await using var client = await RealtimeTestClient.ConnectAsync(_h.Url(GaPath), RealtimeHarness.AliceKey);
        var created = await client.ReceiveAsync();
        Assert.Equal("session.created", RealtimeTestClient.Type(created));
        Assert.Equal(RealtimeHarness.Model, created.GetProperty("session").GetProperty("model").GetString());
        Assert.Equal("realtime", client.Socket.SubProtocol);

        await client.SendAsync("""{"type":"session.update","session":{"type":"realtime","output_modalities":["text"]}}""");
        Assert.Equal("session.updated", RealtimeTestClient.Type(await client.ReceiveAsync()));
        await client.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Hello there, how are you today?"}]}}""");
        await client.ReceiveThroughAsync("conversation.item.done");
        await client.SendAsync("""{"type":"response.create"}""");
        var events = await client.ReceiveThroughAsync("response.done");

        var types = RealtimeTestClient.Types(events);
        Assert.Equal("response.created", types[0]);
        var firstDelta = types.IndexOf("response.output_text.delta");
        var lastDelta = types.LastIndexOf("response.output_text.delta");
        Assert.True(firstDelta > 0);
        Assert.True(types.IndexOf("response.output_text.done") > lastDelta);
        Assert.All(types[firstDelta..(lastDelta + 1)], t => Assert.Equal("response.output_text.delta", t));
        var text = string.Concat(events.Where(e => RealtimeTestClient.Type(e) == "response.output_text.delta").Select(e => e.GetProperty("delta").GetString()));
        Assert.Equal(text, events.Single(e => RealtimeTestClient.Type(e) == "response.output_text.done").GetProperty("text").GetString());

        var usage = events[^1].GetProperty("response").GetProperty("usage");
        var row = Assert.Single(await _h.LedgerAsync(1));
        AssertRow(row, usage, "alice", "b0");
        Assert.Equal(0, row.AudioOut);
    }

    [Fact]
    public async Task AudioTurn_PreviewRoute_BetaEventsAndTokensMeteredByModality()
    {
        await using var client = await RealtimeTestClient.ConnectAsync(_h.Url(PreviewPath), o => o.SetRequestHeader("Authorization", "Bearer " + RealtimeHarness.AliceKey));
        Assert.Equal("session.created", RealtimeTestClient.Type(await client.ReceiveAsync()));

        await client.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{OneSecondOfAudio}}"}""");
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");
        await client.ReceiveThroughAsync("conversation.item.created");
        await client.SendAsync("""{"type":"response.create"}""");
        var events = await client.ReceiveThroughAsync("response.done");

        var types = RealtimeTestClient.Types(events);
        Assert.Contains("response.audio.delta", types);
        Assert.Contains("response.audio_transcript.delta", types);
        Assert.True(types.IndexOf("response.audio.done") > types.LastIndexOf("response.audio.delta"));
        var usage = events[^1].GetProperty("response").GetProperty("usage");
        Assert.True(usage.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt64() > 0);
        Assert.True(usage.GetProperty("output_token_details").GetProperty("audio_tokens").GetInt64() > 0);

        var row = Assert.Single(await _h.LedgerAsync(1));
        AssertRow(row, usage, "alice", "b0");
    }

    [Theory]
    [InlineData("query")]
    [InlineData("subprotocol")]
    public async Task BrowserKey_SessionWorks_AndTheBackendNeverSeesTheConsumerKey(string form)
    {
        var url = form == "query" ? _h.Url(GaPath + "&api-key=" + RealtimeHarness.AliceKey) : _h.Url(GaPath);
        await using var client = await RealtimeTestClient.ConnectAsync(url, o =>
        {
            if (form == "subprotocol") o.AddSubProtocol("openai-insecure-api-key." + RealtimeHarness.AliceKey);
            o.AddSubProtocol("openai-beta.realtime-v1");
        });
        Assert.Equal("session.created", RealtimeTestClient.Type(await client.ReceiveAsync()));
        Assert.Equal("realtime", client.Socket.SubProtocol);

        var head = Assert.Single(_h.Recorders[0].Heads);
        Assert.DoesNotContain(RealtimeHarness.AliceKey, head, StringComparison.Ordinal);
        Assert.DoesNotContain("openai-insecure-api-key", head, StringComparison.Ordinal);
        Assert.StartsWith("GET /openai/v1/realtime?model=realtime HTTP/1.1", head, StringComparison.Ordinal);
        Assert.Contains("api-key: " + TestBackends.BackendKey, head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("openai-beta.realtime-v1", head, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    public async Task Upgrade_WithoutAValidKey_401InTheAzureShapeAndNoUpgrade(string? key)
    {
        var response = await RawHttp.SendAsync(_h.Endpoint, Upgrade(GaPath + (key is null ? "" : "&api-key=" + key)));

        Assert.Equal(401, response.Status);
        Assert.Equal("401", response.AzureError().GetProperty("code").GetString());
        Assert.Empty(_h.Recorders[0].Heads);
    }

    [Fact]
    public async Task PlainGet_400NotAWebSocket()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, GaPath);
        request.Headers.Add("api-key", RealtimeHarness.AliceKey);
        using var response = await _h.Gateway.Client.SendAsync(request);

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains("WebSocket", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyInTheQuery_OnAnHttpOperation_NotAccepted()
    {
        using var response = await _h.Gateway.Client.PostAsync("openai/v1/chat/completions?api-key=" + RealtimeHarness.AliceKey,
            new StringContent("""{"model":"realtime","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));

        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "401");
    }

    [Fact]
    public async Task ConsumerWithoutTheRealtimeScope_403()
    {
        var response = await RawHttp.SendAsync(_h.Endpoint, Upgrade(GaPath, ("api-key", RealtimeHarness.CarolKey)));

        Assert.Equal(403, response.Status);
        Assert.Contains("realtime", response.AzureError().GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDeployment_404()
    {
        var response = await RawHttp.SendAsync(_h.Endpoint, Upgrade("openai/v1/realtime?model=nope", ("api-key", RealtimeHarness.AliceKey)));

        Assert.Equal(404, response.Status);
        Assert.Equal("DeploymentNotFound", response.AzureError().GetProperty("code").GetString());
    }

    [Fact]
    public async Task FirstBackendRefusesTheHandshakeWith429_TheSecondServesTheSession()
    {
        _h.Backends[0].Control.FailNext("realtime", count: 1, statusCode: 429, retryAfter: TimeSpan.FromSeconds(30));

        await using var client = await RealtimeTestClient.ConnectAsync(_h.Url(GaPath), RealtimeHarness.AliceKey);
        Assert.Equal("session.created", RealtimeTestClient.Type(await client.ReceiveAsync()));
        await client.SendAsync("""{"type":"response.create","response":{"output_modalities":["text"]}}""");
        var done = await client.ReceiveThroughAsync("response.done");

        Assert.Single(_h.Recorders[0].Heads);
        Assert.Single(_h.Recorders[1].Heads);
        var row = Assert.Single(await _h.LedgerAsync(1));
        AssertRow(row, done[^1].GetProperty("response").GetProperty("usage"), "alice", "b1");
    }

    [Theory]
    [InlineData(GaPath, """{"type":"session.update","session":{"type":"realtime","audio":{"input":{"transcription":{"model":"gpt-4o-transcribe"}}}}}""", "gpt-4o-transcribe")]
    [InlineData(PreviewPath, """{"type":"session.update","session":{"input_audio_transcription":{"model":"whisper"}}}""", "whisper")]
    public async Task InputTranscription_OneRowPricedForTheTranscriptionDeployment(string path, string update, string transcriber)
    {
        await using var client = await RealtimeTestClient.ConnectAsync(_h.Url(path), RealtimeHarness.AliceKey);
        await client.ReceiveThroughAsync("session.created");
        await client.SendAsync(update);
        await client.ReceiveThroughAsync("session.updated");
        await client.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{OneSecondOfAudio}}"}""");
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");

        var usage = (await client.ReceiveThroughAsync("conversation.item.input_audio_transcription.completed"))[^1].GetProperty("usage");

        var row = Assert.Single(await _h.LedgerAsync(1));
        Assert.Equal(("alice", "b0", transcriber, 200, "Reported"), (row.Consumer, row.Backend, row.Model, row.Status, row.Source));
        if (usage.GetProperty("type").GetString() == "duration")
        {
            Assert.Equal((long)(usage.GetProperty("seconds").GetDouble() * 1000), row.AudioMs);
            Assert.Equal((long)((decimal)usage.GetProperty("seconds").GetDouble() * RealtimeHarness.WhisperPerMinute / 60 * 1_000_000_000m), row.CostNanoUsd);
            return;
        }
        var audio = usage.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt64();
        var text = usage.GetProperty("input_token_details").GetProperty("text_tokens").GetInt64();
        var output = usage.GetProperty("output_tokens").GetInt64();
        Assert.Equal((audio + text, audio, output), (row.Prompt, row.AudioIn, row.Completion));
        var usd = ((text * RealtimeHarness.TranscribeText) + (audio * RealtimeHarness.TranscribeAudio) + (output * RealtimeHarness.TranscribeOutput)) / 1_000_000m;
        Assert.Equal((long)(usd * 1_000_000_000m), row.CostNanoUsd);
    }

    [Fact]
    public async Task ConcurrencyLimitOfOne_ASecondSessionRefused429_UntilTheFirstEnds()
    {
        var first = await RealtimeTestClient.ConnectAsync(_h.Url(GaPath), RealtimeHarness.MeteredKey);
        await first.ReceiveThroughAsync("session.created");

        var refused = await RawHttp.SendAsync(_h.Endpoint, Upgrade(GaPath, ("api-key", RealtimeHarness.MeteredKey)));
        Assert.Equal(429, refused.Status);
        Assert.Contains("concurrent", refused.AzureError().GetProperty("message").GetString(), StringComparison.Ordinal);

        await first.DisposeAsync();
        // The slot is given back when the gateway has finished the session, just after the close handshake: polled
        // until then (the deadline only guards a hang).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var socket = RealtimeTestClient.NewSocket(o => o.SetRequestHeader("api-key", RealtimeHarness.MeteredKey));
            try
            {
                await socket.ConnectAsync(_h.Url(GaPath), CancellationToken.None);
                Assert.Equal(WebSocketState.Open, socket.State);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }
            catch (WebSocketException) when (socket.HttpStatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }
    }

    [Fact]
    public async Task ClientSecrets_MeteredConsumer_403ThatPointsToTheWebSocket()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/realtime/client_secrets")
        {
            Content = new StringContent("""{"session":{"type":"realtime","model":"realtime"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("api-key", RealtimeHarness.MeteredKey);
        using var response = await _h.Gateway.Client.SendAsync(request);

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "client_secrets_not_allowed");
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("meter", message, StringComparison.Ordinal);
        Assert.Contains("/openai/v1/realtime?model=", message, StringComparison.Ordinal);
        Assert.Empty(_h.Recorders[0].Heads);
    }

    /// <summary>A WebSocket upgrade request for <paramref name="pathAndQuery"/> with extra headers.</summary>
    internal static string Upgrade(string pathAndQuery, params (string Name, string Value)[] headers) =>
        $"GET /{pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + string.Concat(headers.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\r\n";

    /// <summary>The row holds the reported usage by modality, priced with the harness's configured prices.</summary>
    internal static void AssertRow(LedgerRow row, JsonElement usage, string consumer, string backend)
    {
        var input = usage.GetProperty("input_token_details");
        var output = usage.GetProperty("output_token_details");
        long audioIn = input.GetProperty("audio_tokens").GetInt64(), cached = input.GetProperty("cached_tokens").GetInt64();
        long audioOut = output.GetProperty("audio_tokens").GetInt64(), textOut = output.GetProperty("text_tokens").GetInt64();
        long textIn = input.GetProperty("text_tokens").GetInt64();
        Assert.Equal(usage.GetProperty("input_tokens").GetInt64(), textIn + audioIn + input.GetProperty("image_tokens").GetInt64());
        Assert.Equal(usage.GetProperty("output_tokens").GetInt64(), textOut + audioOut);

        Assert.Equal((consumer, backend, RealtimeHarness.Model), (row.Consumer, row.Backend, row.Model));
        Assert.Equal((200, true, "Reported"), (row.Status, row.Stream, row.Source));
        Assert.Equal(usage.GetProperty("input_tokens").GetInt64(), row.Prompt);
        Assert.Equal(cached, row.Cached);
        Assert.Equal(usage.GetProperty("output_tokens").GetInt64(), row.Completion);
        Assert.Equal((audioIn, audioOut), (row.AudioIn, row.AudioOut));
        Assert.Equal(0, cached);
        var usd = ((textIn * RealtimeHarness.InputText) + (audioIn * RealtimeHarness.InputAudio)
            + (textOut * RealtimeHarness.OutputText) + (audioOut * RealtimeHarness.OutputAudio)) / 1_000_000m;
        Assert.Equal((long)(usd * 1_000_000_000m), row.CostNanoUsd);
    }
}
