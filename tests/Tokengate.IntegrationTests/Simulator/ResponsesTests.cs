using System.Text;
using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class ResponsesTests : IAsyncLifetime
{
    private const string Schema = """
        {"type":"object","properties":{"answer":{"type":"string"},"score":{"type":"integer","minimum":0,"maximum":10},
         "tags":{"type":"array","items":{"type":"string","enum":["x","y"]}}},"required":["answer","score","tags"],"additionalProperties":false}
        """;

    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Create_StringInput_ResponseShapeSettingsEchoAndExactUsage()
    {
        var body = await ResponsesHarness.CreateAsync(_sim,
            """{"model":"chat","input":"Hello there","instructions":"Be brief.","temperature":0.2,"max_output_tokens":200,"metadata":{"k":"v"},"service_tier":"auto"}""");

        Assert.StartsWith("resp_", body.GetProperty("id").GetString());
        Assert.Equal("response", body.GetProperty("object").GetString());
        Assert.True(body.GetProperty("created_at").GetInt64() > 1_700_000_000);
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal("gpt-4o-2024-08-06", body.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("incomplete_details").ValueKind);

        var item = Assert.Single(body.GetProperty("output").EnumerateArray());
        Assert.Equal("message", item.GetProperty("type").GetString());
        Assert.StartsWith("msg_", item.GetProperty("id").GetString());
        Assert.Equal("assistant", item.GetProperty("role").GetString());
        Assert.Equal("completed", item.GetProperty("status").GetString());
        var part = Assert.Single(item.GetProperty("content").EnumerateArray());
        Assert.Equal("output_text", part.GetProperty("type").GetString());
        Assert.Empty(part.GetProperty("annotations").EnumerateArray());
        var text = part.GetProperty("text").GetString()!;
        Assert.NotEmpty(text);

        var o200k = ReferenceTokenCounter.O200kBase;
        var usage = body.GetProperty("usage");
        var expectedInput = 3 + (3 + o200k.CountTokens("system") + o200k.CountTokens("Be brief.")) + (3 + o200k.CountTokens("user") + o200k.CountTokens("Hello there"));
        Assert.Equal(expectedInput, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(o200k.CountTokens(text), usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(expectedInput + o200k.CountTokens(text), usage.GetProperty("total_tokens").GetInt32());

        Assert.Equal("Be brief.", body.GetProperty("instructions").GetString());
        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble());
        Assert.Equal(1.0, body.GetProperty("top_p").GetDouble());
        Assert.Equal(200, body.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("v", body.GetProperty("metadata").GetProperty("k").GetString());
        Assert.Equal("default", body.GetProperty("service_tier").GetString());
        Assert.True(body.GetProperty("store").GetBoolean());
        Assert.False(body.GetProperty("background").GetBoolean());
        Assert.Equal("auto", body.GetProperty("tool_choice").GetString());
        Assert.Empty(body.GetProperty("tools").EnumerateArray());
        Assert.Equal("text", body.GetProperty("text").GetProperty("format").GetProperty("type").GetString());
        Assert.True(body.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("previous_response_id").ValueKind);
        Assert.Equal("disabled", body.GetProperty("truncation").GetString());
        var filters = body.GetProperty("content_filters").EnumerateArray().ToList();
        Assert.Equal(["prompt", "completion"], filters.Select(f => f.GetProperty("source_type").GetString()));
        Assert.All(filters, f => Assert.False(f.GetProperty("blocked").GetBoolean()));
    }

    [Fact]
    public async Task Create_PreviewRoute_ServesAndOldOrMissingVersionIsNotFound()
    {
        var body = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Hi"}""", ResponsesHarness.Preview());
        Assert.Equal("completed", body.GetProperty("status").GetString());

        var (status, fetched) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, ResponsesHarness.Preview("/" + body.GetProperty("id").GetString()));
        Assert.Equal(200, status);
        Assert.Equal(ResponsesHarness.OutputText(body), ResponsesHarness.OutputText(fetched));

        using var old = await _sim.PostAsync("openai/responses?api-version=2024-10-21", """{"model":"chat","input":"Hi"}""");
        Assert.Equal(404, (int)old.StatusCode);
        using var missing = await _sim.PostAsync("openai/responses", """{"model":"chat","input":"Hi"}""");
        Assert.Equal(404, (int)missing.StatusCode);
        using var v1Preview = await _sim.PostAsync(ResponsesHarness.V1 + "?api-version=preview", """{"model":"chat","input":"Hi"}""");
        Assert.Equal(200, (int)v1Preview.StatusCode);
    }

    [Fact]
    public async Task Create_Stream_NamedEventsInServiceOrderWithSequenceNumbers()
    {
        using var response = await _sim.PostAsync(ResponsesHarness.V1, """{"model":"chat","input":"Stream please","stream":true,"max_output_tokens":300}""");
        Assert.Equal("text/event-stream; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var events = ResponsesHarness.ParseNamed(await response.Content.ReadAsStringAsync());

        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        var types = events.Select(e => e.Type).ToList();
        var deltas = types.Count(t => t == "response.output_text.delta");
        Assert.True(deltas >= 16);
        string[] expected =
        [
            "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            .. Enumerable.Repeat("response.output_text.delta", deltas),
            "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
        ];
        Assert.Equal(expected, types);

        Assert.Equal("in_progress", events[0].Data.GetProperty("response").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, events[0].Data.GetProperty("response").GetProperty("usage").ValueKind);
        var itemId = events[2].Data.GetProperty("item").GetProperty("id").GetString();
        var text = string.Concat(events.Where(e => e.Type == "response.output_text.delta").Select(e =>
        {
            Assert.Equal(itemId, e.Data.GetProperty("item_id").GetString());
            Assert.Equal(0, e.Data.GetProperty("output_index").GetInt32());
            Assert.Equal(0, e.Data.GetProperty("content_index").GetInt32());
            return e.Data.GetProperty("delta").GetString();
        }));
        Assert.Equal(text, events[^4].Data.GetProperty("text").GetString());
        var completed = events[^1].Data.GetProperty("response");
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(text, ResponsesHarness.OutputText(completed));
        Assert.Equal(deltas, completed.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        var (_, stored) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{completed.GetProperty("id").GetString()}");
        Assert.Equal(text, ResponsesHarness.OutputText(stored));
    }

    [Fact]
    public async Task Create_OutputBoundCutsAnswer_IncompleteWithReason()
    {
        var body = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"A long answer, please","max_output_tokens":16}""");

        Assert.Equal("incomplete", body.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", body.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(16, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal("incomplete", body.GetProperty("output")[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"model":"chat","input":"x","max_output_tokens":5}""", "max_output_tokens", "integer_below_min_value")]
    [InlineData("""{"model":"chat","input":"x","max_output_tokens":20000}""", "max_output_tokens", "invalid_value")]
    [InlineData("""{"model":"chat","input":"x","background":true,"store":false}""", "background", "invalid_value")]
    [InlineData("""{"model":"chat","input":"x","top_logprobs":21}""", "top_logprobs", "integer_above_max_value")]
    [InlineData("""{"model":"chat","input":[{"role":"robot","content":"x"}]}""", "input[0].role", "invalid_value")]
    [InlineData("""{"model":"chat","input":"x","text":{"format":{"type":"json_schema","schema":{}}}}""", "text.format.name", "missing_required_parameter")]
    [InlineData("""{"input":"x"}""", "model", "missing_required_parameter")]
    public async Task Create_InvalidSettings_400WithParamAndCode(string json, string param, string code)
    {
        using var response = await _sim.PostAsync(ResponsesHarness.V1, json);

        Assert.Equal(400, (int)response.StatusCode);
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Create_PreviousResponseFromAnotherInstance_400PreviousResponseNotFound()
    {
        await using var other = await SimulatorHarness.StartAsync();
        var first = await ResponsesHarness.CreateAsync(other, """{"model":"chat","input":"Remember me"}""");
        var id = first.GetProperty("id").GetString()!;

        using var response = await _sim.PostAsync(ResponsesHarness.V1, $$"""{"model":"chat","input":"And then?","previous_response_id":"{{id}}"}""");

        Assert.Equal(400, (int)response.StatusCode);
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");
        Assert.Equal("previous_response_not_found", error.GetProperty("code").GetString());
        Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(id, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, _sim.Control.GetStats("chat").Failed);
    }

    [Fact]
    public async Task Create_PreviousResponseKnown_StoredChainBilledAsInput()
    {
        var first = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Remember me","instructions":"Not carried over."}""");
        var id = first.GetProperty("id").GetString()!;

        var second = await ResponsesHarness.CreateAsync(_sim, $$"""{"model":"chat","input":"And then?","previous_response_id":"{{id}}"}""");

        var o200k = ReferenceTokenCounter.O200kBase;
        var firstItems = 3 + o200k.CountTokens("user") + o200k.CountTokens("Remember me");
        var secondItems = 3 + o200k.CountTokens("user") + o200k.CountTokens("And then?");
        var firstOutput = first.GetProperty("usage").GetProperty("output_tokens").GetInt32();
        Assert.Equal(firstItems + firstOutput + secondItems + 3, second.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(id, second.GetProperty("previous_response_id").GetString());
        Assert.NotEqual(ResponsesHarness.OutputText(first), ResponsesHarness.OutputText(second));
    }

    [Fact]
    public async Task Create_StoreFalse_NothingKept()
    {
        var body = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Forget me","store":false}""");
        Assert.False(body.GetProperty("store").GetBoolean());
        var id = body.GetProperty("id").GetString()!;

        var (status, error) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{id}");
        Assert.Equal(404, status);
        Assert.Contains(id, error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, (await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{id}/input_items")).Status);

        using var chained = await _sim.PostAsync(ResponsesHarness.V1, $$"""{"model":"chat","input":"x","previous_response_id":"{{id}}"}""");
        Assert.Equal(400, (int)chained.StatusCode);
    }

    [Fact]
    public async Task Delete_StoredResponse_GoneAfterwards()
    {
        var body = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Delete me"}""");
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(200, (await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{id}")).Status);

        var (status, deleted) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Delete, $"{ResponsesHarness.V1}/{id}");

        Assert.Equal(200, status);
        Assert.Equal(id, deleted.GetProperty("id").GetString());
        Assert.Equal("response.deleted", deleted.GetProperty("object").GetString());
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Equal(404, (await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{id}")).Status);
        Assert.Equal(404, (await ResponsesHarness.SendAsync(_sim, HttpMethod.Delete, $"{ResponsesHarness.V1}/{id}")).Status);
    }

    [Fact]
    public async Task InputItems_ThreeMessages_CursorPagesNewestFirstByDefault()
    {
        var body = await ResponsesHarness.CreateAsync(_sim, """
            {"model":"chat","input":[
              {"role":"user","content":"first"},
              {"type":"message","role":"assistant","content":"second"},
              {"role":"user","content":[{"type":"input_text","text":"third"}]}]}
            """);
        var path = $"{ResponsesHarness.V1}/{body.GetProperty("id").GetString()}/input_items";

        var (_, page) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, path + "?limit=2");
        Assert.Equal("list", page.GetProperty("object").GetString());
        var data = page.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["third", "second"], data.Select(i => i.GetProperty("content")[0].GetProperty("text").GetString()));
        Assert.Equal("output_text", data[1].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.All(data, i => Assert.StartsWith("msg_", i.GetProperty("id").GetString()));
        Assert.Equal(data[0].GetProperty("id").GetString(), page.GetProperty("first_id").GetString());
        Assert.Equal(data[1].GetProperty("id").GetString(), page.GetProperty("last_id").GetString());
        Assert.True(page.GetProperty("has_more").GetBoolean());

        var (_, next) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{path}?limit=2&after={page.GetProperty("last_id").GetString()}");
        var rest = Assert.Single(next.GetProperty("data").EnumerateArray());
        Assert.Equal("first", rest.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("input_text", rest.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.False(next.GetProperty("has_more").GetBoolean());

        var (_, ascending) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, path + "?order=asc");
        Assert.Equal(["user", "assistant", "user"], ascending.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("role").GetString()));

        Assert.Equal(400, (await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, path + "?limit=101")).Status);
    }

    [Fact]
    public async Task InputTokens_SameBodyAsCreate_SameCountAndNothingCharged()
    {
        const string json = """{"model":"chat","input":[{"role":"user","content":"Count me"}],"instructions":"Short.","tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}]}""";
        var created = await ResponsesHarness.CreateAsync(_sim, json);
        var before = _sim.Control.GetStats("chat");

        var counted = await _sim.PostOkAsync(ResponsesHarness.V1 + "/input_tokens", json);

        Assert.Equal("response.input_tokens", counted.GetProperty("object").GetString());
        Assert.Equal(created.GetProperty("usage").GetProperty("input_tokens").GetInt32(), counted.GetProperty("input_tokens").GetInt32());
        Assert.Equal(before.RequestsReceived, _sim.Control.GetStats("chat").RequestsReceived);
        var preview = await _sim.PostOkAsync(ResponsesHarness.Preview("/input_tokens"), json);
        Assert.Equal(counted.GetProperty("input_tokens").GetInt32(), preview.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Create_ForcedFunctionCall_CallItemWholeAndStreamed()
    {
        var json = $$"""{"model":"chat","input":"Call it","tools":[{"type":"function","name":"score","parameters":{{Schema}},"strict":true}],"tool_choice":{"type":"function","name":"score"}""";
        using var schema = JsonDocument.Parse(Schema);

        var body = await ResponsesHarness.CreateAsync(_sim, json + "}");
        var call = Assert.Single(body.GetProperty("output").EnumerateArray());
        Assert.Equal("function_call", call.GetProperty("type").GetString());
        Assert.StartsWith("fc_", call.GetProperty("id").GetString());
        Assert.StartsWith("call_", call.GetProperty("call_id").GetString());
        Assert.Equal("score", call.GetProperty("name").GetString());
        Assert.Equal("completed", call.GetProperty("status").GetString());
        JsonSchemaCheck.AssertValid(schema.RootElement, call.GetProperty("arguments").GetString()!);
        Assert.Equal("score", body.GetProperty("tool_choice").GetProperty("name").GetString());
        Assert.Equal("score", body.GetProperty("tools")[0].GetProperty("name").GetString());

        using var response = await _sim.PostAsync(ResponsesHarness.V1, json + ""","stream":true}""");
        var events = ResponsesHarness.ParseNamed(await response.Content.ReadAsStringAsync());
        var types = events.Select(e => e.Type).ToList();
        var deltas = types.Count(t => t == "response.function_call_arguments.delta");
        string[] expected =
        [
            "response.created", "response.in_progress", "response.output_item.added",
            .. Enumerable.Repeat("response.function_call_arguments.delta", deltas),
            "response.function_call_arguments.done", "response.output_item.done", "response.completed",
        ];
        Assert.Equal(expected, types);
        var added = events[2].Data.GetProperty("item");
        Assert.Equal("function_call", added.GetProperty("type").GetString());
        Assert.Equal("", added.GetProperty("arguments").GetString());
        var arguments = string.Concat(events.Where(e => e.Type == "response.function_call_arguments.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        Assert.Equal(arguments, events[^3].Data.GetProperty("arguments").GetString());
        JsonSchemaCheck.AssertValid(schema.RootElement, arguments);
    }

    [Fact]
    public async Task Create_JsonSchemaTextFormat_OutputTextValidates()
    {
        var body = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Rate it","text":{"format":{"type":"json_schema","name":"rating","schema":""" + Schema + ""","strict":true}}}""");

        using var schema = JsonDocument.Parse(Schema);
        JsonSchemaCheck.AssertValid(schema.RootElement, ResponsesHarness.OutputText(body));
        Assert.Equal("json_schema", body.GetProperty("text").GetProperty("format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Create_IncludeLogprobs_OutputTextCarriesThem()
    {
        var body = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Hi","include":["message.output_text.logprobs"],"top_logprobs":2}""");

        var part = body.GetProperty("output")[0].GetProperty("content")[0];
        var entries = part.GetProperty("logprobs").EnumerateArray().ToList();
        Assert.Equal(body.GetProperty("usage").GetProperty("output_tokens").GetInt32(), entries.Count);
        Assert.Equal(part.GetProperty("text").GetString(), string.Concat(entries.Select(e => e.GetProperty("token").GetString())));
        Assert.All(entries, e => Assert.Equal(2, e.GetProperty("top_logprobs").GetArrayLength()));
    }

    [Fact]
    public async Task Create_StreamCutAfterThreeDeltas_ConnectionDropsAndResponseCancelled()
    {
        _sim.Control.Update("chat", o =>
        {
            o.Faults.MidStreamCutNextCount = 1;
            o.Faults.MidStreamCutAfterChunks = 3;
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, ResponsesHarness.V1)
        {
            Content = new StringContent("""{"model":"chat","input":"Cut me","stream":true}""", Encoding.UTF8, "application/json"),
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

        var events = ResponsesHarness.ParseNamed(received.ToString());
        Assert.Equal(3, events.Count(e => e.Type == "response.output_text.delta"));
        Assert.DoesNotContain(events, e => e.Type == "response.completed");
        Assert.Equal(1, _sim.Control.GetStats("chat").Failed);

        var id = events[0].Data.GetProperty("response").GetProperty("id").GetString();
        var (_, stored) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{id}");
        Assert.Equal("cancelled", stored.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_PassesTheDeploymentsLimits_HeadersThrottlingAndUtilization()
    {
        using var standard = await _sim.PostAsync(ResponsesHarness.V1, """{"model":"chat","input":"Hi","max_output_tokens":100}""");
        Assert.Equal(200, (int)standard.StatusCode);
        Assert.Equal("chat", SimulatorHarness.Header(standard, "x-ms-deployment-name"));
        Assert.True(int.Parse(SimulatorHarness.Header(standard, "x-ratelimit-remaining-tokens"), System.Globalization.CultureInfo.InvariantCulture) <= 100_000 - 100);

        using var provisioned = await _sim.PostAsync(ResponsesHarness.V1, """{"model":"ptu","input":"Hi"}""");
        Assert.Equal(200, (int)provisioned.StatusCode);
        Assert.EndsWith("%", SimulatorHarness.Header(provisioned, "azure-openai-deployment-utilization"), StringComparison.Ordinal);

        _sim.Control.FailNext("chat", count: 1, statusCode: 429, retryAfter: TimeSpan.FromSeconds(2));
        using var throttled = await _sim.PostAsync(ResponsesHarness.V1, """{"model":"chat","input":"Hi"}""");
        Assert.Equal(429, (int)throttled.StatusCode);
        Assert.Equal("2000", SimulatorHarness.Header(throttled, "retry-after-ms"));
        Assert.Contains("Responses_Create", (await SimulatorHarness.ReadJsonAsync(throttled)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var stats = _sim.Control.GetStats("chat");
        Assert.Equal((1, 1), (stats.Succeeded, stats.Throttled));
    }

    [Fact]
    public async Task Store_PastItsLimit_ForgetsTheOldest()
    {
        await using var small = await SimulatorHarness.StartAsync(o => o.StoredResponsesLimit = 2);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await ResponsesHarness.CreateAsync(small, """{"model":"chat","input":"Keep me"}""")).GetProperty("id").GetString()!);
        }

        Assert.Equal(404, (await ResponsesHarness.SendAsync(small, HttpMethod.Get, $"{ResponsesHarness.V1}/{ids[0]}")).Status);
        Assert.Equal(200, (await ResponsesHarness.SendAsync(small, HttpMethod.Get, $"{ResponsesHarness.V1}/{ids[1]}")).Status);
        Assert.Equal(200, (await ResponsesHarness.SendAsync(small, HttpMethod.Get, $"{ResponsesHarness.V1}/{ids[2]}")).Status);
    }

    [Fact]
    public async Task Lifecycle_BadCalls_AzureErrors()
    {
        using var embeddings = await _sim.PostAsync(ResponsesHarness.V1, """{"model":"embed","input":"x"}""");
        Assert.Equal(400, (int)embeddings.StatusCode);
        Assert.Equal("OperationNotSupported", (await SimulatorHarness.ReadJsonAsync(embeddings)).GetProperty("error").GetProperty("code").GetString());

        using var unknown = await _sim.PostAsync(ResponsesHarness.V1, """{"model":"nope","input":"x"}""");
        Assert.Equal(404, (int)unknown.StatusCode);

        var body = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Hi"}""");
        var id = body.GetProperty("id").GetString();
        var (unauthorized, error) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{id}", key: null);
        Assert.Equal(401, unauthorized);
        Assert.Equal("401", error.GetProperty("error").GetProperty("code").GetString());

        var (syncCancel, _) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Post, $"{ResponsesHarness.V1}/{id}/cancel");
        Assert.Equal(400, syncCancel);
        var (syncStream, _) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{id}?stream=true");
        Assert.Equal(400, syncStream);
    }
}
