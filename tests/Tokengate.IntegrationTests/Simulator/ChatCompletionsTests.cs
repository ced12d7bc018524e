using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class ChatCompletionsTests : IAsyncLifetime
{
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Post_NonStreaming_HasAzureResponseShape()
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":50}""");

        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.True(body.GetProperty("created").GetInt64() > 1_700_000_000);
        Assert.Equal("gpt-4o-2024-08-06", body.GetProperty("model").GetString());
        Assert.StartsWith("fp_", body.GetProperty("system_fingerprint").GetString());

        var promptFilter = Assert.Single(body.GetProperty("prompt_filter_results").EnumerateArray());
        Assert.Equal(0, promptFilter.GetProperty("prompt_index").GetInt32());
        var promptResults = promptFilter.GetProperty("content_filter_results");
        foreach (var category in new[] { "hate", "self_harm", "sexual", "violence" })
        {
            Assert.False(promptResults.GetProperty(category).GetProperty("filtered").GetBoolean());
            Assert.Equal("safe", promptResults.GetProperty(category).GetProperty("severity").GetString());
        }

        Assert.False(promptResults.GetProperty("jailbreak").GetProperty("detected").GetBoolean());

        var choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(message.GetProperty("content").GetString()));
        Assert.Equal(JsonValueKind.Null, message.GetProperty("refusal").ValueKind);
        var choiceResults = choice.GetProperty("content_filter_results");
        Assert.Equal("safe", choiceResults.GetProperty("violence").GetProperty("severity").GetString());
        Assert.False(choiceResults.GetProperty("protected_material_text").GetProperty("detected").GetBoolean());
        Assert.False(choiceResults.GetProperty("protected_material_code").GetProperty("filtered").GetBoolean());

        var usage = body.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("gpt4")]
    public async Task Post_FixedPrompts_UsageMatchesIndependentCount(string deployment)
    {
        var tokenizer = deployment == "chat" ? ReferenceTokenCounter.O200kBase : ReferenceTokenCounter.Cl100kBase;
        (string Json, (string, string, string?)[] Messages)[] prompts =
        [
            ("""[{"role":"user","content":"Hi"}]""", [("user", "Hi", null)]),
            ("""[{"role":"system","content":"Be brief."},{"role":"user","name":"alice","content":"What is the capital of France?"}]""",
                [("system", "Be brief.", null), ("user", "What is the capital of France?", "alice")]),
            ("""[{"role":"system","content":"You are a helpful assistant that answers in one sentence."},{"role":"user","content":"Explain tokenization, briefly — with punctuation: «quotes», emojis 🙂 and numbers 12345."},{"role":"assistant","content":"Splitting text into units."},{"role":"user","content":"Thanks!"}]""",
                [("system", "You are a helpful assistant that answers in one sentence.", null), ("user", "Explain tokenization, briefly — with punctuation: «quotes», emojis 🙂 and numbers 12345.", null), ("assistant", "Splitting text into units.", null), ("user", "Thanks!", null)]),
        ];

        foreach (var (json, messages) in prompts)
        {
            var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath(deployment), $$"""{"messages":{{json}}}""");
            var usage = body.GetProperty("usage");
            Assert.Equal(ReferenceTokenCounter.CountChat(tokenizer, messages), usage.GetProperty("prompt_tokens").GetInt32());
            var content = body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
            Assert.Equal(tokenizer.CountTokens(content), usage.GetProperty("completion_tokens").GetInt32());
            Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 16, 64);
        }
    }

    [Fact]
    public async Task Post_SamePromptTwice_SameText()
    {
        const string request = """{"messages":[{"role":"user","content":"Determinism please"}]}""";
        var first = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), request);
        var second = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), request);

        Assert.Equal(Content(first, 0), Content(second, 0));
    }

    [Fact]
    public async Task Post_NThree_ThreeChoicesAndUsageCoversAll()
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"Give me options"}],"n":3}""");

        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        var expected = choices.Sum(c => ReferenceTokenCounter.O200kBase.CountTokens(c.GetProperty("message").GetProperty("content").GetString()!));
        Assert.Equal(expected, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(3, choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()).Distinct().Count());
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task Post_MaxTokensBelowNaturalLength_FinishReasonLength(string field)
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), $$"""{"messages":[{"role":"user","content":"Long answer"}],"{{field}}":5}""");

        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(5, ReferenceTokenCounter.O200kBase.CountTokens(Content(body, 0)));
    }

    [Fact]
    public async Task Post_StopSequence_TruncatesBeforeItWithFinishReasonStop()
    {
        const string messages = """[{"role":"user","content":"Stop somewhere"}]""";
        var full = Content(await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), $$"""{"messages":{{messages}}}"""), 0);
        var words = full.Split(' ');
        var stop = " " + words[3];

        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), $$"""{"messages":{{messages}},"stop":["zzz-never","{{stop}}"]}""");

        var expected = full[..full.IndexOf(stop, StringComparison.Ordinal)];
        Assert.Equal(expected, Content(body, 0));
        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(expected), body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_V1RouteWithModelInBody_AnswersLikeClassicRoute()
    {
        const string messages = """[{"role":"user","content":"Same on both routes"}]""";
        var classic = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), $$"""{"messages":{{messages}}}""");

        using var response = await _sim.PostAsync("openai/v1/chat/completions?api-version=preview", $$"""{"model":"CHAT","messages":{{messages}}}""", key: null,
            r => r.Headers.Authorization = new("Bearer", SimulatorHarness.Key));
        var v1 = await SimulatorHarness.ReadJsonAsync(response);

        Assert.Equal(Content(classic, 0), Content(v1, 0));
        Assert.Equal("chat", SimulatorHarness.Header(response, "x-ms-deployment-name"));
    }

    [Fact]
    public async Task Post_LegacyCompletions_TextCompletionShape()
    {
        var body = await _sim.PostOkAsync($"openai/deployments/instruct/completions?api-version={SimulatorHarness.ApiVersion}", """{"prompt":"Once upon a time","max_tokens":8}""");

        Assert.StartsWith("cmpl-", body.GetProperty("id").GetString());
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal("gpt-35-turbo-instruct-0914", body.GetProperty("model").GetString());
        var choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        var text = choice.GetProperty("text").GetString()!;
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(8, ReferenceTokenCounter.Cl100kBase.CountTokens(text));
        var usage = body.GetProperty("usage");
        Assert.Equal(ReferenceTokenCounter.Cl100kBase.CountTokens("Once upon a time"), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(8, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Single(body.GetProperty("prompt_filter_results").EnumerateArray());
    }

    [Fact]
    public async Task ListModels_V1_ListsDeployments()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "openai/v1/models");
        request.Headers.Authorization = new("Bearer", SimulatorHarness.Key);
        using var response = await _sim.Http.SendAsync(request);
        var body = await SimulatorHarness.ReadJsonAsync(response);

        Assert.Equal("list", body.GetProperty("object").GetString());
        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("chat", ids);
        Assert.Contains("embed", ids);
        Assert.All(body.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }

    private static string Content(JsonElement body, int choice) =>
        body.GetProperty("choices")[choice].GetProperty("message").GetProperty("content").GetString()!;
}
