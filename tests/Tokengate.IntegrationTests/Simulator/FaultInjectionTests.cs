using System.Diagnostics;
using System.Text;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class FaultInjectionTests : IAsyncLifetime
{
    private const string Hi = """{"messages":[{"role":"user","content":"Hi"}]}""";
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task FailNext_Two500s_ThenRecovers()
    {
        _sim.Control.FailNext("chat", count: 2, statusCode: 500);

        for (var i = 0; i < 2; i++)
        {
            using var failed = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
            Assert.Equal(500, (int)failed.StatusCode);
            var error = (await SimulatorHarness.ReadJsonAsync(failed)).GetProperty("error");
            Assert.Equal("server_error", error.GetProperty("type").GetString());
            Assert.True(Guid.TryParse(SimulatorHarness.Header(failed, "apim-request-id"), out _));
        }

        using var ok = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        Assert.Equal(200, (int)ok.StatusCode);
        var stats = _sim.Control.GetStats("chat");
        Assert.Equal((3, 2, 1, 0), (stats.RequestsReceived, stats.Failed, stats.Succeeded, stats.PendingFailures));
    }

    [Fact]
    public async Task FailNext_429WithRetryAfter_SendsAgreeingHeaders()
    {
        _sim.Control.FailNext("chat", count: 1, statusCode: 429, retryAfter: TimeSpan.FromMilliseconds(2_500));

        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("2500", SimulatorHarness.Header(response, "retry-after-ms"));
        Assert.Equal("3", SimulatorHarness.Header(response, "retry-after"));
        Assert.Equal("429", (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, _sim.Control.GetStats("chat").Throttled);
    }

    [Fact]
    public async Task ErrorRates_CertainServiceUnavailable_Every503()
    {
        _sim.Control.Update("chat", o => o.Faults.ErrorRates[503] = 1.0);

        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("ServiceUnavailable", (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ResetNext_One_ConnectionAbortedThenRecovers()
    {
        _sim.Control.Update("chat", o => o.Faults.ResetNextCount = 1);

        await Assert.ThrowsAsync<HttpRequestException>(() => _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi));

        using var ok = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task ConnectionResetRate_Certain_EveryRequestAborted()
    {
        _sim.Control.Update("chat", o => o.Faults.ConnectionResetRate = 1);

        await Assert.ThrowsAsync<HttpRequestException>(() => _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi));
    }

    [Fact]
    public async Task MidStreamCutNext_AfterThreeChunks_StreamBreaksWithoutDone()
    {
        _sim.Control.Update("chat", o =>
        {
            o.Faults.MidStreamCutNextCount = 1;
            o.Faults.MidStreamCutAfterChunks = 3;
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, SimulatorHarness.ChatPath("chat"))
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"Hi"}],"stream":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("api-key", SimulatorHarness.Key);
        using var response = await _sim.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);

        var received = new StringBuilder();
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        });

        var text = received.ToString();
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.Equal(3, CountOccurrences(text, "\"delta\":{\"content\":"));
        Assert.Equal(1, _sim.Control.GetStats("chat").Failed);

        using var next = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"Hi"}],"stream":true}""");
        Assert.EndsWith("data: [DONE]\n\n", await next.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowHeaders_300Ms_DelaysTheResponse()
    {
        _sim.Control.Update("chat", o => o.Faults.SlowHeadersMs = 300);

        var watch = Stopwatch.StartNew();
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 295, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Latency_TimeToFirstTokenPlusPerToken_DelaysWholeResponse()
    {
        _sim.Control.Update("chat", o =>
        {
            o.Latency.TimeToFirstTokenMs = 100;
            o.Latency.PerTokenMs = 10;
        });

        var watch = Stopwatch.StartNew();
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":10}""");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 195, $"took {watch.ElapsedMilliseconds} ms");
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
