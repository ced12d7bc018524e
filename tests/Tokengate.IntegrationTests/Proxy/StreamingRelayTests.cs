using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Proxy;

/// <summary>
/// Streams are relayed as they arrive: with the backend holding back its next token (on a fake clock), the events
/// it already sent are at the consumer.
/// </summary>
public sealed class StreamingRelayTests : IAsyncLifetime
{
    private const string Chat = UpEnvironment.ChatDeployment;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private TestUp _up = null!;

    private SimulatorControl Ptu => _up.Backend("ptu-eastus").Server.Control;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync(_time);

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task Stream_BackendHoldsNextToken_EarlierEventsAlreadyReachedTheConsumer()
    {
        Ptu.Update(Chat, o => o.Latency.PerTokenMs = 1000);
        using var response = await _up.Client.SendAsync(
            GatewayRequests.Chat(Chat, _up.Key, stream: true, body: """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":3,"stream":true}"""),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync());

        // The backend sent these two and now waits a (fake) second before the first token: they must be here
        // without the clock moving. A gateway that buffered would time out here.
        var soon = TimeSpan.FromSeconds(10);
        using (var promptFilter = await events.NextJsonAsync().WaitAsync(soon))
            Assert.Equal(0, promptFilter.RootElement.GetProperty("choices").GetArrayLength());
        using (var role = await events.NextJsonAsync().WaitAsync(soon))
            Assert.Equal("assistant", role.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());

        // Each token arrives only as the backend's clock moves on.
        var tokens = 0;
        while (true)
        {
            var next = events.NextAsync();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!next.IsCompleted && DateTime.UtcNow < deadline)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                await Task.WhenAny(next, Task.Delay(20));
            }
            var data = await next;
            if (data == "[DONE]") break;
            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out _)) tokens++;
        }
        Assert.Equal(3, tokens);
    }

    /// <summary>Reads <c>data:</c> payloads of server-sent events one at a time.</summary>
    private sealed class SseReader(Stream stream) : IDisposable
    {
        private readonly StreamReader _reader = new(stream, Encoding.UTF8);

        public async Task<string> NextAsync()
        {
            var data = new StringBuilder();
            while (await _reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0) return data.ToString();
                    continue;
                }
                if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line.AsSpan(6));
            }
            throw new EndOfStreamException("The stream ended before another event.");
        }

        public async Task<JsonDocument> NextJsonAsync() => JsonDocument.Parse(await NextAsync());

        public void Dispose() => _reader.Dispose();
    }
}
