using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Simulator;
using static Tokengate.IntegrationTests.Simulator.ResourceHarness;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>Global-Batch and Data Zone Batch deployments: live calls refused, batches validated and held against the enqueued-token quota.</summary>
public sealed class BatchDeploymentsTests : IAsyncLifetime
{
    private const long Quota = 40;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync(o =>
    {
        o.Deployments["batch"] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06", Type = SimulatedDeploymentType.GlobalBatch };
        o.Deployments["batch-embed"] = new SimulatedDeploymentOptions { Model = "text-embedding-3-small", Type = SimulatedDeploymentType.GlobalBatch };
        o.Deployments["dz-batch"] = new SimulatedDeploymentOptions { Model = "gpt-4o-mini-2024-07-18", Type = SimulatedDeploymentType.DataZoneBatch };
        o.Deployments["small-batch"] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06", Type = SimulatedDeploymentType.GlobalBatch, EnqueuedTokenQuota = Quota };
    }, _time);

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Theory]
    [InlineData("batch")]
    [InlineData("dz-batch")]
    public async Task LiveCall_BatchDeployment_400OperationNotSupported(string deployment)
    {
        const string Chat = """{"messages":[{"role":"user","content":"Hi"}]}""";
        var calls = new (string Path, string Body, string Operation)[]
        {
            (SimulatorHarness.ChatPath(deployment), Chat, "chatCompletion"),
            ($"{V1}/chat/completions", $$"""{"model":"{{deployment}}","messages":[{"role":"user","content":"Hi"}]}""", "chatCompletion"),
            ($"{V1}/responses", $$"""{"model":"{{deployment}}","input":"Hi"}""", "responses"),
            ($"{V1}/responses/input_tokens", $$"""{"model":"{{deployment}}","input":"Hi"}""", "responses"),
        };
        foreach (var (path, body, operation) in calls)
        {
            var (status, error) = await SendAsync(_sim, HttpMethod.Post, path, body);
            Assert.Equal(400, status);
            Assert.Equal("OperationNotSupported", error.GetProperty("error").GetProperty("code").GetString());
            Assert.StartsWith($"The {operation} operation does not work with the specified model, {deployment}.",
                error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var stats = _sim.Control.GetStats(deployment);
        Assert.Equal(0, stats.Succeeded);
        Assert.Equal(0, stats.PromptTokens);
    }

    [Fact]
    public async Task LiveCall_EmbeddingsOnABatchDeployment_400OperationNotSupported()
    {
        var (status, error) = await SendAsync(_sim, HttpMethod.Post, SimulatorHarness.EmbeddingsPath("batch-embed"), """{"input":"hello"}""");
        Assert.Equal(400, status);
        Assert.Equal("OperationNotSupported", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Batch_DataZoneBatchDeployment_RunsWithModelAndUsage()
    {
        var id = await CreateAsync(Lines("dz-batch", 3), "/chat/completions");
        var validating = await GetAsync(id);
        Assert.Equal(JsonValueKind.Null, validating.GetProperty("model").ValueKind);

        await AdvanceAsync(id, "in_progress");
        Assert.Equal("dz-batch", (await GetAsync(id)).GetProperty("model").GetString());
        var done = await CompleteAsync(id);

        Assert.Equal("dz-batch", done.GetProperty("model").GetString());
        var lines = await ContentLinesAsync(done.GetProperty("output_file_id").GetString()!);
        Assert.Equal(3, lines.Count);
        long input = 0, output = 0;
        foreach (var line in lines)
        {
            var body = line.GetProperty("response").GetProperty("body");
            Assert.Equal("gpt-4o-mini-2024-07-18", body.GetProperty("model").GetString());
            Assert.True(body.TryGetProperty("prompt_filter_results", out _)); // the live path's writer
            input += body.GetProperty("usage").GetProperty("prompt_tokens").GetInt64();
            output += body.GetProperty("usage").GetProperty("completion_tokens").GetInt64();
        }

        var usage = done.GetProperty("usage");
        Assert.Equal(input, usage.GetProperty("input_tokens").GetInt64());
        Assert.Equal(0, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt64());
        Assert.Equal(output, usage.GetProperty("output_tokens").GetInt64());
        Assert.Equal(0, usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt64());
        Assert.Equal(input + output, usage.GetProperty("total_tokens").GetInt64());
    }

    [Fact]
    public async Task Batch_ResponsesLines_AnswerResponseObjectsAndSumUsage()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 2; i++)
        {
            text.Append("{\"custom_id\":\"r-").Append(i).Append("\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"batch\",\"input\":\"Tell me about number ")
                .Append(i).Append("\",\"max_output_tokens\":20}}\n");
        }

        var done = await CompleteAsync(await CreateAsync(text.ToString(), "/v1/responses"));
        Assert.Equal("completed", Status(done));
        var lines = await ContentLinesAsync(done.GetProperty("output_file_id").GetString()!);
        long input = 0, output = 0;
        foreach (var line in lines)
        {
            Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
            var body = line.GetProperty("response").GetProperty("body");
            Assert.Equal("response", body.GetProperty("object").GetString());
            var usage = body.GetProperty("usage");
            Assert.True(usage.GetProperty("output_tokens").GetInt64() is > 0 and <= 20);
            input += usage.GetProperty("input_tokens").GetInt64();
            output += usage.GetProperty("output_tokens").GetInt64();
        }

        Assert.Equal(input, done.GetProperty("usage").GetProperty("input_tokens").GetInt64());
        Assert.Equal(output, done.GetProperty("usage").GetProperty("output_tokens").GetInt64());
    }

    [Fact]
    public async Task Batch_LineTheModelRefuses_GoesToTheErrorFileWithTheLiveError()
    {
        var text = Lines("batch", 1)
            + "{\"custom_id\":\"too-long\",\"method\":\"POST\",\"url\":\"/chat/completions\",\"body\":{\"model\":\"batch\",\"max_tokens\":20000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}\n";
        var done = await CompleteAsync(await CreateAsync(text, "/chat/completions"));

        Assert.Equal("completed", Status(done));
        Assert.Equal(1, done.GetProperty("request_counts").GetProperty("failed").GetInt32());
        var error = Assert.Single(await ContentLinesAsync(done.GetProperty("error_file_id").GetString()!));
        Assert.Equal("too-long", error.GetProperty("custom_id").GetString());
        var response = error.GetProperty("response");
        Assert.Equal(400, response.GetProperty("status_code").GetInt32());
        var body = response.GetProperty("body").GetProperty("error");
        Assert.Equal("invalid_value", body.GetProperty("code").GetString());
        Assert.Equal("max_tokens", body.GetProperty("param").GetString());
        Assert.Single(await ContentLinesAsync(done.GetProperty("output_file_id").GetString()!));
    }

    [Fact]
    public async Task Batch_StandardDeployment_FailsInvalidRequest()
    {
        var failed = await FailedAsync(Lines("chat", 2), "/chat/completions");
        var error = Assert.Single(failed.GetProperty("errors").GetProperty("data").EnumerateArray());
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal(1, error.GetProperty("line").GetInt32());
        Assert.Contains("globalbatch", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_BadLines_FailWithAzureCodes()
    {
        // Line 2 names the endpoint in another form, line 3 a url batches do not take, line 4 has no custom_id, line 5 is no JSON.
        var text = Lines("batch", 1)
            + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"batch\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}\n"
            + "{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/completions\",\"body\":{\"model\":\"batch\",\"prompt\":\"Hi\"}}\n"
            + "{\"method\":\"POST\",\"url\":\"/chat/completions\",\"body\":{\"model\":\"batch\",\"messages\":[]}}\n"
            + "{not json\n";
        var failed = await FailedAsync(text, "/chat/completions");
        var errors = failed.GetProperty("errors");
        Assert.Equal("list", errors.GetProperty("object").GetString());
        var codes = errors.GetProperty("data").EnumerateArray().Select(e => (e.GetProperty("code").GetString(), e.GetProperty("line").GetInt32())).ToList();
        Assert.Equal([("url_mismatch", 2), ("url_mismatch", 3), ("invalid_request", 4), ("invalid_json_line", 5)], codes);

        // Embeddings lines take the /v1 form only, as Azure lists the batch urls.
        var embed = await FailedAsync("{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/embeddings\",\"body\":{\"model\":\"batch-embed\",\"input\":\"hi\"}}\n", "/embeddings");
        Assert.Equal("url_mismatch", embed.GetProperty("errors").GetProperty("data")[0].GetProperty("code").GetString());

        var empty = await FailedAsync("\n\n", "/chat/completions");
        Assert.Equal("empty_file", empty.GetProperty("errors").GetProperty("data")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Batch_Utf8Bom_FailsWithTheServicesMisleadingText()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Lines("batch", 1))).ToArray();
        var file = Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/files", content: FileForm(bytes, "bom.jsonl", "batch")));
        var id = await CreateWithFileAsync(file, "/chat/completions");
        Assert.Equal("failed", await AdvanceAsync(id, "failed"));

        var error = (await GetAsync(id)).GetProperty("errors").GetProperty("data")[0];
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.StartsWith("Validation failed: A valid model deployment name couldn't be extracted from the input file.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("line").ValueKind);
    }

    [Fact]
    public async Task Batch_BeyondTheEnqueuedTokenQuota_FailsTokenLimitExceeded()
    {
        var tokens = LineTokens(0) + LineTokens(1);
        Assert.True(tokens <= Quota && tokens * 2 > Quota, $"two lines hold {tokens} tokens");
        var first = await CreateAsync(Lines("small-batch", 2), "/chat/completions");
        Assert.Equal(tokens, _sim.Control.GetStats("small-batch").EnqueuedTokens);
        Assert.Null(_sim.Control.GetStats("chat").EnqueuedTokens);

        // The service creates the second batch and fails it when validation ends.
        var second = await CreateAsync(Lines("small-batch", 2), "/chat/completions");
        Assert.Equal("validating", Status(await GetAsync(second)));
        Assert.Equal(tokens, _sim.Control.GetStats("small-batch").EnqueuedTokens);
        Assert.Equal("failed", await AdvanceAsync(second, "failed"));
        var error = Assert.Single((await GetAsync(second)).GetProperty("errors").GetProperty("data").EnumerateArray());
        Assert.Equal("token_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(
            "The number of enqueued tokens has surpassed the configured limit of 40 for the deployment 'small-batch'. Please either increase the limit or try again once the current jobs have finished.",
            error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("line").ValueKind);

        // The first holds its tokens through in_progress and finalizing, and frees them when it completes.
        Assert.Equal("in_progress", await AdvanceAsync(first, "in_progress"));
        Assert.Equal("finalizing", await AdvanceAsync(first, "finalizing"));
        Assert.Equal(tokens, await ControlEnqueuedAsync("small-batch"));
        Assert.Equal("completed", await AdvanceAsync(first, "completed"));
        Assert.Equal(0, await ControlEnqueuedAsync("small-batch"));

        var third = await CreateAsync(Lines("small-batch", 2), "/chat/completions");
        Assert.Equal("completed", Status(await CompleteAsync(third)));
    }

    [Fact]
    public async Task Batch_AloneLargerThanTheQuota_FailsAndHoldsNothing()
    {
        var id = await CreateAsync(Lines("small-batch", 6), "/chat/completions");
        Assert.Equal(0, _sim.Control.GetStats("small-batch").EnqueuedTokens);
        Assert.Equal("failed", await AdvanceAsync(id, "failed"));
        Assert.Equal("token_limit_exceeded", (await GetAsync(id)).GetProperty("errors").GetProperty("data")[0].GetProperty("code").GetString());
    }

    private static int LineTokens(int n) => ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", $"Question number {n}?", null));

    private static string Lines(string deployment, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append("{\"custom_id\":\"req-").Append(i).Append("\",\"method\":\"POST\",\"url\":\"/chat/completions\",\"body\":{\"model\":\"")
                .Append(deployment).Append("\",\"messages\":[{\"role\":\"user\",\"content\":\"Question number ").Append(i).Append("?\"}]}}\n");
        }

        return text.ToString();
    }

    private async Task<string> CreateAsync(string jsonl, string endpoint) =>
        await CreateWithFileAsync(Id(await UploadAsync(_sim, jsonl, "batch", "input.jsonl")), endpoint);

    private async Task<string> CreateWithFileAsync(string file, string endpoint)
    {
        var (status, created) = await SendAsync(_sim, HttpMethod.Post, V1 + "/batches",
            JsonSerializer.Serialize(new { input_file_id = file, endpoint, completion_window = "24h" }));
        Assert.True(status is 200 or 201, $"{status} {created}"); // 201 on the dated route, 200 on v1
        return Id(created);
    }

    private async Task<JsonElement> FailedAsync(string jsonl, string endpoint)
    {
        var id = await CreateAsync(jsonl, endpoint);
        Assert.Equal("failed", await AdvanceAsync(id, "failed"));
        return await GetAsync(id);
    }

    /// <summary>Ends the batch's current step through the control endpoint and returns the status reached.</summary>
    private async Task<string> AdvanceAsync(string id, string expected)
    {
        using var response = await _sim.Http.PostAsync($"_simulator/batches/{id}/advance", null);
        var body = await SimulatorHarness.ReadJsonAsync(response);
        Assert.Equal(expected, Status(body));
        return Status(body);
    }

    private async Task<JsonElement> CompleteAsync(string id)
    {
        using var response = await _sim.Http.PostAsync($"_simulator/batches/{id}/complete", null);
        Assert.True(response.IsSuccessStatusCode);
        return await GetAsync(id);
    }

    private async Task<long> ControlEnqueuedAsync(string deployment)
    {
        var body = await _sim.Http.GetFromJsonAsync<JsonElement>("_simulator/deployments");
        var entry = body.GetProperty("data").EnumerateArray().Single(d => d.GetProperty("name").GetString() == deployment);
        return entry.GetProperty("stats").GetProperty("enqueuedTokens").GetInt64();
    }

    private Task<JsonElement> GetAsync(string id) => OkAsync(_sim, HttpMethod.Get, Classic($"batches/{id}"));

    private async Task<List<JsonElement>> ContentLinesAsync(string fileId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{V1}/files/{fileId}/content");
        request.Headers.Add("api-key", SimulatorHarness.Key);
        using var response = await _sim.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }
}
