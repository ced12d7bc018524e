using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class ChatToolsAndFormatsTests : IAsyncLifetime
{
    private const string WeatherSchema = """
        {"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},
         "days":{"type":"integer","minimum":1,"maximum":7},"details":{"type":"object","properties":{"hourly":{"type":"boolean"},
         "fields":{"type":"array","items":{"type":"string"},"minItems":1}},"required":["hourly","fields"],"additionalProperties":false}},
         "required":["city","unit","days","details"],"additionalProperties":false}
        """;

    private static readonly string Tools =
        """[{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":""" + WeatherSchema + ""","strict":true}},"""
        + """{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string","format":"date-time"}},"required":["zone"]}}}]""";

    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Post_ToolChoiceRequired_CallsFirstFunctionWithSchemaValidArguments()
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"),
            $$"""{"messages":[{"role":"user","content":"Weather in Oslo?"}],"tools":{{Tools}},"tool_choice":"required"}""");

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.StartsWith("call_", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        var arguments = call.GetProperty("function").GetProperty("arguments").GetString()!;
        using var schema = JsonDocument.Parse(WeatherSchema);
        JsonSchemaCheck.AssertValid(schema.RootElement, arguments);
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(arguments), body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_ToolChoiceNamed_CallsThatFunction()
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"),
            """{"messages":[{"role":"user","content":"Time?"}],"tools":""" + Tools + ""","tool_choice":{"type":"function","function":{"name":"get_time"}}}""");

        var call = body.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function");
        Assert.Equal("get_time", call.GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(call.GetProperty("arguments").GetString()!);
        Assert.True(DateTimeOffset.TryParse(arguments.RootElement.GetProperty("zone").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task Post_ToolChoiceAuto_AnswersText()
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), $$"""{"messages":[{"role":"user","content":"Hi"}],"tools":{{Tools}},"tool_choice":"auto"}""");

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tool_choice":"required"}""", "tool_choice", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}}""", "tool_choice", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":21}""", "top_logprobs", "integer_above_max_value")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":-1}""", "top_logprobs", "integer_below_min_value")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"top_logprobs":2}""", "top_logprobs", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"schema":{}}}}""", "response_format.json_schema.name", "missing_required_parameter")]
    public async Task Post_InvalidToolOrLogprobSettings_400WithParam(string json, string param, string code)
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), json);

        Assert.Equal(400, (int)response.StatusCode);
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Post_StreamedForcedToolCall_HeaderThenArgumentFragmentsThenToolCallsFinish()
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"),
            $$$"""{"messages":[{"role":"user","content":"Weather?"}],"tools":{{{Tools}}},"tool_choice":"required","stream":true,"stream_options":{"include_usage":true}}""");
        var raw = await response.Content.ReadAsStringAsync();

        Assert.EndsWith("data: [DONE]\n\n", raw, StringComparison.Ordinal);
        var chunks = raw[..^2].Split("\n\n")[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.Empty(chunks[0].GetProperty("choices").EnumerateArray()); // Azure's prompt-filter chunk

        var header = chunks[1].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", header.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, header.GetProperty("content").ValueKind);
        var first = header.GetProperty("tool_calls")[0];
        Assert.Equal(0, first.GetProperty("index").GetInt32());
        Assert.StartsWith("call_", first.GetProperty("id").GetString());
        Assert.Equal("function", first.GetProperty("type").GetString());
        Assert.Equal("get_weather", first.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", first.GetProperty("function").GetProperty("arguments").GetString());

        var fragments = chunks[2..^2];
        Assert.True(fragments.Count > 3);
        var arguments = new StringBuilder();
        foreach (var chunk in fragments)
        {
            var call = chunk.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
            Assert.Equal(0, call.GetProperty("index").GetInt32());
            Assert.False(call.TryGetProperty("id", out _));
            arguments.Append(call.GetProperty("function").GetProperty("arguments").GetString());
        }

        Assert.Equal("tool_calls", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        using var schema = JsonDocument.Parse(WeatherSchema);
        JsonSchemaCheck.AssertValid(schema.RootElement, arguments.ToString());
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(arguments.ToString()), chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_JsonSchemaFormat_ContentValidatesWholeAndStreamed()
    {
        var json = $$$"""{"messages":[{"role":"user","content":"Forecast"}],"response_format":{"type":"json_schema","json_schema":{"name":"forecast","schema":{{{WeatherSchema}}},"strict":true}}""";

        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), json + "}");
        var content = body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        using var schema = JsonDocument.Parse(WeatherSchema);
        JsonSchemaCheck.AssertValid(schema.RootElement, content);
        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(content), body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        using var stream = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), json + ""","stream":true}""");
        var streamed = string.Concat((await stream.Content.ReadAsStringAsync()).Split("\n\n")
            .Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement)
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(content, streamed);
    }

    [Fact]
    public async Task Post_JsonObjectFormat_ContentIsAJsonObject()
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"JSON please"}],"response_format":{"type":"json_object"}}""");

        using var content = JsonDocument.Parse(body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        Assert.Equal(JsonValueKind.Object, content.RootElement.ValueKind);
    }

    [Fact]
    public async Task Post_Logprobs_OneEntryPerTokenWithRankedAlternatives()
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"Hi"}],"logprobs":true,"top_logprobs":3}""");

        var choice = body.GetProperty("choices")[0];
        var logprobs = choice.GetProperty("logprobs");
        Assert.Equal(JsonValueKind.Null, logprobs.GetProperty("refusal").ValueKind);
        var entries = logprobs.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), entries.Count);
        Assert.Equal(choice.GetProperty("message").GetProperty("content").GetString(), string.Concat(entries.Select(e => e.GetProperty("token").GetString())));
        Assert.All(entries, e =>
        {
            var token = e.GetProperty("token").GetString()!;
            var logprob = e.GetProperty("logprob").GetDouble();
            Assert.InRange(logprob, double.MinValue, 0);
            Assert.Equal(Encoding.UTF8.GetBytes(token), e.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray());
            var top = e.GetProperty("top_logprobs").EnumerateArray().ToList();
            Assert.Equal(3, top.Count);
            Assert.Equal(token, top[0].GetProperty("token").GetString());
            Assert.Equal(logprob, top[0].GetProperty("logprob").GetDouble());
            Assert.True(top[0].GetProperty("logprob").GetDouble() > top[1].GetProperty("logprob").GetDouble());
            Assert.True(top[1].GetProperty("logprob").GetDouble() > top[2].GetProperty("logprob").GetDouble());
            Assert.Equal(3, top.Select(t => t.GetProperty("token").GetString()).Distinct().Count());
        });
    }

    [Fact]
    public async Task Post_LogprobsStreamed_EachContentChunkCarriesItsToken()
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"Hi"}],"logprobs":true,"stream":true,"max_tokens":5}""");
        var chunks = (await response.Content.ReadAsStringAsync()).Split("\n\n")
            .Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement)
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0])
            .Where(c => c.GetProperty("delta").TryGetProperty("content", out var content) && content.GetString()!.Length > 0)
            .ToList();

        Assert.Equal(5, chunks.Count);
        Assert.All(chunks, c =>
        {
            var entry = Assert.Single(c.GetProperty("logprobs").GetProperty("content").EnumerateArray());
            Assert.Equal(c.GetProperty("delta").GetProperty("content").GetString(), entry.GetProperty("token").GetString());
            Assert.Empty(entry.GetProperty("top_logprobs").EnumerateArray());
        });
    }

    [Fact]
    public async Task Post_LegacyCompletionsLogprobs_LegacyShape()
    {
        var body = await _sim.PostOkAsync($"openai/deployments/instruct/completions?api-version={SimulatorHarness.ApiVersion}", """{"prompt":"Hello","max_tokens":4,"logprobs":2}""");

        var choice = body.GetProperty("choices")[0];
        var logprobs = choice.GetProperty("logprobs");
        var tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Equal(4, tokens.Count);
        Assert.Equal(choice.GetProperty("text").GetString(), string.Concat(tokens));
        Assert.Equal(4, logprobs.GetProperty("token_logprobs").GetArrayLength());
        var top = logprobs.GetProperty("top_logprobs").EnumerateArray().ToList();
        Assert.All(top, t => Assert.Equal(3, t.EnumerateObject().Count())); // the sampled token plus 2
        var offsets = logprobs.GetProperty("text_offset").EnumerateArray().Select(o => o.GetInt32()).ToList();
        Assert.Equal(0, offsets[0]);
        Assert.Equal(tokens[0].Length, offsets[1]);

        using var tooMany = await _sim.PostAsync($"openai/deployments/instruct/completions?api-version={SimulatorHarness.ApiVersion}", """{"prompt":"Hello","logprobs":6}""");
        Assert.Equal(400, (int)tooMany.StatusCode);
    }

    [Fact]
    public async Task OpenAIClient_ForcedToolCall_WholeAndStreamed()
    {
        var client = new OpenAIClient(new ApiKeyCredential(SimulatorHarness.Key), new OpenAIClientOptions { Endpoint = new Uri(_sim.Server.Endpoint, "openai/v1/") });
        var chat = client.GetChatClient("chat");
        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString(WeatherSchema), functionSchemaIsStrict: true));
        using var schema = JsonDocument.Parse(WeatherSchema);

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Weather?")], options);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        JsonSchemaCheck.AssertValid(schema.RootElement, call.FunctionArguments.ToString());

        var arguments = new StringBuilder();
        string? name = null;
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Weather?")], options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                name ??= part.FunctionName;
                arguments.Append(part.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        JsonSchemaCheck.AssertValid(schema.RootElement, arguments.ToString());
    }
}
