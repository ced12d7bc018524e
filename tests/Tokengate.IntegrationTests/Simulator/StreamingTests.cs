using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class StreamingTests : IAsyncLifetime
{
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Post_StreamWithUsage_FollowsAzureChunkSequence()
    {
        var (response, events) = await StreamAsync("chat", """{"messages":[{"role":"user","content":"Stream it"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":6}""");

        Assert.Equal("text/event-stream; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("[DONE]", events[^1]);

        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var filter = chunks[0];
        Assert.Equal("", filter.GetProperty("id").GetString());
        Assert.Equal("", filter.GetProperty("object").GetString());
        Assert.Equal(0, filter.GetProperty("created").GetInt64());
        Assert.Equal("", filter.GetProperty("model").GetString());
        Assert.Empty(filter.GetProperty("choices").EnumerateArray());
        Assert.Equal("safe", filter.GetProperty("prompt_filter_results")[0].GetProperty("content_filter_results").GetProperty("hate").GetProperty("severity").GetString());

        var role = chunks[1];
        Assert.Equal("chat.completion.chunk", role.GetProperty("object").GetString());
        Assert.Equal("gpt-4o-2024-08-06", role.GetProperty("model").GetString());
        var roleChoice = role.GetProperty("choices")[0];
        Assert.Equal("assistant", roleChoice.GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("", roleChoice.GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, roleChoice.GetProperty("finish_reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, role.GetProperty("usage").ValueKind);

        var content = chunks[2..^2];
        Assert.Equal(6, content.Count);
        Assert.All(content, c =>
        {
            var choice = c.GetProperty("choices")[0];
            Assert.False(choice.GetProperty("delta").TryGetProperty("content_filter_results", out _));
            Assert.Equal("safe", choice.GetProperty("content_filter_results").GetProperty("sexual").GetProperty("severity").GetString());
            Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind);
            Assert.Equal(role.GetProperty("id").GetString(), c.GetProperty("id").GetString());
        });
        var text = string.Concat(content.Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));

        var finish = chunks[^2].GetProperty("choices")[0];
        Assert.Empty(finish.GetProperty("delta").EnumerateObject());
        Assert.Equal("length", finish.GetProperty("finish_reason").GetString());

        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", "Stream it", null)), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(text), usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(6, usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_StreamWithoutUsageOption_HasNoUsageAnywhere()
    {
        var (_, events) = await StreamAsync("chat", """{"messages":[{"role":"user","content":"No usage"}],"stream":true}""");

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Post_StreamSameAsWhole_SameText()
    {
        const string messages = """[{"role":"user","content":"Compare modes"}]""";
        var whole = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), $$"""{"messages":{{messages}}}""");
        var (_, events) = await StreamAsync("chat", $$"""{"messages":{{messages}},"stream":true}""");

        var streamed = string.Concat(events[..^1].Select(e => JsonDocument.Parse(e).RootElement)
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(whole.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), streamed);
    }

    [Fact]
    public async Task Post_StreamWithNTwo_InterleavesBothIndexes()
    {
        var (_, events) = await StreamAsync("chat", """{"messages":[{"role":"user","content":"Two"}],"stream":true,"n":2,"max_tokens":3}""");

        var indexes = events[1..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("index").GetInt32()).ToList();
        Assert.Equal([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], indexes);
    }

    [Fact]
    public async Task Post_PromptFilterChunkDisabled_StartsWithRoleChunk()
    {
        await using var sim = await SimulatorHarness.StartAsync(o => o.PromptFilterChunk = false);
        using var response = await sim.PostAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"x"}],"stream":true}""");
        var events = Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("assistant", JsonDocument.Parse(events[0]).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Post_LegacyCompletionsStream_TextChunksThenDone()
    {
        var (_, events) = await StreamAsync("instruct", """{"prompt":"Hello","stream":true,"max_tokens":4}""", "completions");

        var chunks = events[1..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Equal(5, chunks.Count);
        Assert.Equal("length", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    private async Task<(HttpResponseMessage Response, string[] Events)> StreamAsync(string deployment, string json, string operation = "chat/completions")
    {
        var response = await _sim.PostAsync($"openai/deployments/{deployment}/{operation}?api-version={SimulatorHarness.ApiVersion}", json);
        Assert.True(response.IsSuccessStatusCode);
        return (response, Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Checks the exact framing (<c>data: …\n\n</c>, nothing else) and returns the event payloads.</summary>
    private static string[] Parse(string raw)
    {
        Assert.EndsWith("\n\ndata: [DONE]\n\n", raw, StringComparison.Ordinal);
        var events = raw[..^2].Split("\n\n");
        Assert.All(events, e =>
        {
            Assert.StartsWith("data: ", e, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e);
        });
        return [.. events.Select(e => e["data: ".Length..])];
    }
}
