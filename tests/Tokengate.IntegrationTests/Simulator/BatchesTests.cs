using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Simulator;
using static Tokengate.IntegrationTests.Simulator.ResourceHarness;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>Batches on a fake clock: every status change happens exactly when the test moves time.</summary>
public sealed class BatchesTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Batch_RunsToCompleted_WithCountsUsageAndAnOutputFile()
    {
        var file = Id(await UploadAsync(_sim, ChatLines(4), "batch", "input.jsonl"));
        var (status, created) = await SendAsync(_sim, HttpMethod.Post, Classic("batches"),
            JsonSerializer.Serialize(new { input_file_id = file, endpoint = "/chat/completions", completion_window = "24h", metadata = new { job = "nightly" } }));
        Assert.Equal(201, status);
        var id = Id(created);
        Assert.Matches("^batch_[0-9a-f]{32}$", id);
        Assert.Equal("batch", created.GetProperty("object").GetString());
        Assert.Equal("validating", Status(created));
        Assert.Equal(file, created.GetProperty("input_file_id").GetString());
        Assert.Equal("24h", created.GetProperty("completion_window").GetString());
        Assert.Equal("nightly", created.GetProperty("metadata").GetProperty("job").GetString());
        Assert.Equal(created.GetProperty("created_at").GetInt64() + 86_400, created.GetProperty("expires_at").GetInt64());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("output_file_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("in_progress_at").ValueKind);

        _time.Advance(TimeSpan.FromSeconds(2));
        var running = await GetAsync(id);
        Assert.Equal("in_progress", Status(running));
        Assert.Equal(4, Counts(running).Total);

        _time.Advance(TimeSpan.FromSeconds(1)); // half the run: two of four lines answered
        var half = await GetAsync(id);
        Assert.Equal((4, 2, 0), Counts(half));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("finalizing", Status(await GetAsync(id)));
        _time.Advance(TimeSpan.FromSeconds(1));

        var done = await OkAsync(_sim, HttpMethod.Get, $"{V1}/batches/{id}");
        Assert.Equal("completed", Status(done));
        Assert.Equal((4, 4, 0), Counts(done));
        Assert.Equal(done.GetProperty("created_at").GetInt64() + 5, done.GetProperty("completed_at").GetInt64());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("error_file_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, done.GetProperty("errors").ValueKind);

        var outputId = done.GetProperty("output_file_id").GetString()!;
        Assert.Equal("batch_output", (await OkAsync(_sim, HttpMethod.Get, $"{V1}/files/{outputId}")).GetProperty("purpose").GetString());
        var lines = await ContentLinesAsync(outputId);
        Assert.Equal(["req-0", "req-1", "req-2", "req-3"], lines.Select(l => l.GetProperty("custom_id").GetString()!).Order());
        long input = 0, output = 0;
        foreach (var line in lines)
        {
            Assert.StartsWith("batch_req_", line.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
            var response = line.GetProperty("response");
            Assert.Equal(200, response.GetProperty("status_code").GetInt32());
            Assert.False(string.IsNullOrEmpty(response.GetProperty("request_id").GetString()));
            var body = response.GetProperty("body");
            Assert.Equal("chat.completion", body.GetProperty("object").GetString());
            Assert.Equal("gpt-4o-2024-08-06", body.GetProperty("model").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
            var usage = body.GetProperty("usage");
            var n = int.Parse(line.GetProperty("custom_id").GetString()!["req-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var expected = ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", $"Question number {n}?", null));
            Assert.Equal(expected, usage.GetProperty("prompt_tokens").GetInt32());
            Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 0);
            input += usage.GetProperty("prompt_tokens").GetInt32();
            output += usage.GetProperty("completion_tokens").GetInt32();
        }

        var batchUsage = done.GetProperty("usage");
        Assert.Equal(input, batchUsage.GetProperty("input_tokens").GetInt64());
        Assert.Equal(output, batchUsage.GetProperty("output_tokens").GetInt64());
        Assert.Equal(input + output, batchUsage.GetProperty("total_tokens").GetInt64());
    }

    [Fact]
    public async Task Batch_Embeddings_AnswersVectorsWithUsage()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 2; i++)
        {
            text.Append("{\"custom_id\":\"e-").Append(i).Append("\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"batch-embed\",\"input\":\"hello world\"}}\n");
        }

        var file = Id(await UploadAsync(_sim, text.ToString(), "batch"));
        var id = Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(new { input_file_id = file, endpoint = "/v1/embeddings", completion_window = "24h" })));
        _time.Advance(TimeSpan.FromSeconds(5));
        var done = await GetAsync(id);
        Assert.Equal("completed", Status(done));
        var lines = await ContentLinesAsync(done.GetProperty("output_file_id").GetString()!);
        Assert.Equal(2, lines.Count);
        var body = lines[0].GetProperty("response").GetProperty("body");
        Assert.Equal(1536, body.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());
        Assert.Equal(2, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4, done.GetProperty("usage").GetProperty("input_tokens").GetInt64());
    }

    [Fact]
    public async Task Batch_BadFile_FailsWithLineErrors()
    {
        var text = new StringBuilder(ChatLines(2));
        text.Append(Line("req-0", "batch")); // line 3: duplicate custom_id
        text.Append(Line("req-9", "dz-batch")); // line 4: another deployment
        var file = Id(await UploadAsync(_sim, text.ToString(), "batch"));
        var id = Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(new { input_file_id = file, endpoint = "/chat/completions", completion_window = "24h" })));

        _time.Advance(TimeSpan.FromSeconds(2));
        var failed = await GetAsync(id);
        Assert.Equal("failed", Status(failed));
        Assert.Equal(failed.GetProperty("created_at").GetInt64() + 2, failed.GetProperty("failed_at").GetInt64());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("in_progress_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("output_file_id").ValueKind);
        var errors = failed.GetProperty("errors").GetProperty("data").EnumerateArray()
            .Select(e => (e.GetProperty("code").GetString(), e.GetProperty("line").GetInt32())).ToList();
        Assert.Contains(("duplicate_custom_id", 3), errors);
        Assert.Contains(("model_mismatch", 4), errors);

        // A deployment this resource does not have, and a line whose url is not the batch's endpoint.
        var unknown = Id(await UploadAsync(_sim, Line("a", "nope") + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/embeddings\",\"body\":{\"model\":\"nope\"}}\n", "batch"));
        var id2 = Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(new { input_file_id = unknown, endpoint = "/chat/completions", completion_window = "24h" })));
        _time.Advance(TimeSpan.FromSeconds(2));
        var codes = (await GetAsync(id2)).GetProperty("errors").GetProperty("data").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Contains("model_not_found", codes);
        Assert.Contains("url_mismatch", codes);
    }

    [Fact]
    public async Task Batch_ArmedLineFailures_GoToTheErrorFile()
    {
        var (status, _) = await SendAsync(_sim, HttpMethod.Patch, "_simulator/resource", JsonSerializer.Serialize(new { failNextBatchLineCount = 1 }));
        Assert.Equal(200, status);
        var file = Id(await UploadAsync(_sim, ChatLines(3), "batch"));
        var id = Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(new { input_file_id = file, endpoint = "/v1/chat/completions", completion_window = "24h" })));
        _time.Advance(TimeSpan.FromSeconds(5));
        var done = await GetAsync(id);
        Assert.Equal("completed", Status(done));
        Assert.Equal((3, 2, 1), Counts(done));
        var errors = await ContentLinesAsync(done.GetProperty("error_file_id").GetString()!);
        var error = Assert.Single(errors);
        Assert.Equal("req-0", error.GetProperty("custom_id").GetString());
        Assert.Equal(500, error.GetProperty("response").GetProperty("status_code").GetInt32());
        Assert.Equal(2, (await ContentLinesAsync(done.GetProperty("output_file_id").GetString()!)).Count);
    }

    [Fact]
    public async Task Batch_Cancel_KeepsTheLinesDoneSoFar()
    {
        var file = Id(await UploadAsync(_sim, ChatLines(4), "batch"));
        var id = Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(new { input_file_id = file, endpoint = "/chat/completions", completion_window = "24h" })));
        _time.Advance(TimeSpan.FromSeconds(3)); // validated, half the lines answered

        var cancelling = await OkAsync(_sim, HttpMethod.Post, Classic($"batches/{id}/cancel"));
        Assert.Equal("cancelling", Status(cancelling));
        Assert.NotEqual(JsonValueKind.Null, cancelling.GetProperty("cancelling_at").ValueKind);
        _time.Advance(TimeSpan.FromSeconds(1));

        var cancelled = await GetAsync(id);
        Assert.Equal("cancelled", Status(cancelled));
        Assert.Equal((4, 2, 0), Counts(cancelled));
        Assert.Equal(2, (await ContentLinesAsync(cancelled.GetProperty("output_file_id").GetString()!)).Count);

        // A finished batch cannot be cancelled.
        var (status, body) = await SendAsync(_sim, HttpMethod.Post, $"{V1}/batches/{id}/cancel");
        Assert.Equal(200, status); // already cancelled: answered as it is
        Assert.Equal("cancelled", Status(body));
        var other = Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(new { input_file_id = file, endpoint = "/chat/completions", completion_window = "24h" })));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/batches/{other}/cancel")).Status);
    }

    [Fact]
    public async Task Batch_RunLongerThanTheWindow_Expires()
    {
        await using var slow = await StartAsync(o => o.Batches.InProgressMs = (int)TimeSpan.FromHours(48).TotalMilliseconds);
        var file = Id(await UploadAsync(slow, ChatLines(4), "batch"));
        var id = Id(await OkAsync(slow, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(new { input_file_id = file, endpoint = "/chat/completions", completion_window = "24h" })));
        _time.Advance(TimeSpan.FromHours(24));
        var expired = await OkAsync(slow, HttpMethod.Get, $"{V1}/batches/{id}");
        Assert.Equal("expired", Status(expired));
        Assert.Equal(expired.GetProperty("expires_at").GetInt64(), expired.GetProperty("expired_at").GetInt64());
        Assert.Equal(1, Counts(expired).Completed); // one of four lines done within the first half of the run
    }

    [Fact]
    public async Task Batch_List_PagesNewestFirst()
    {
        var file = Id(await UploadAsync(_sim, ChatLines(1), "batch"));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(new { input_file_id = file, endpoint = "/chat/completions", completion_window = "24h" }))));
        }

        var first = await OkAsync(_sim, HttpMethod.Get, Classic("batches?limit=2"));
        Assert.Equal("list", first.GetProperty("object").GetString());
        Assert.Equal([ids[2], ids[1]], first.GetProperty("data").EnumerateArray().Select(Id));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        var second = await OkAsync(_sim, HttpMethod.Get, $"{V1}/batches?after={first.GetProperty("last_id").GetString()}");
        Assert.Equal([ids[0]], second.GetProperty("data").EnumerateArray().Select(Id));
        Assert.False(second.GetProperty("has_more").GetBoolean());
        Assert.Equal(404, (await SendAsync(_sim, HttpMethod.Get, $"{V1}/batches/batch_0123456789abcdef0123456789abcdef")).Status);
    }

    [Fact]
    public async Task Batch_MissingForeignOrWrongFile_AndBadParameters_400()
    {
        await using var other = await SimulatorHarness.StartAsync(time: _time);
        var foreign = Id(await UploadAsync(other, ChatLines(1), "batch"));
        var fineTune = Id(await UploadAsync(_sim, ChatJsonl()));
        var good = Id(await UploadAsync(_sim, ChatLines(1), "batch"));
        var cases = new (object Body, string Param)[]
        {
            (new { input_file_id = "file-0123456789abcdef0123456789abcdef", endpoint = "/chat/completions", completion_window = "24h" }, "input_file_id"),
            (new { input_file_id = foreign, endpoint = "/chat/completions", completion_window = "24h" }, "input_file_id"),
            (new { input_file_id = fineTune, endpoint = "/chat/completions", completion_window = "24h" }, "input_file_id"),
            (new { input_file_id = good, endpoint = "/completions", completion_window = "24h" }, "endpoint"),
            (new { input_file_id = good, endpoint = "/chat/completions", completion_window = "1h" }, "completion_window"),
        };
        foreach (var (body, param) in cases)
        {
            var (status, error) = await SendAsync(_sim, HttpMethod.Post, V1 + "/batches", JsonSerializer.Serialize(body));
            Assert.Equal(400, status);
            Assert.Equal(param, error.GetProperty("error").GetProperty("param").GetString());
        }

        Assert.Empty((await OkAsync(_sim, HttpMethod.Get, V1 + "/batches")).GetProperty("data").EnumerateArray());
    }

    /// <summary>The shared harness plus batch deployments: gpt-4o and an embeddings model on Global-Batch, gpt-4o on Data Zone Batch.</summary>
    private Task<SimulatorHarness> StartAsync(Action<SimulatorOptions>? configure = null) =>
        SimulatorHarness.StartAsync(o =>
        {
            o.Deployments["batch"] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06", Type = SimulatedDeploymentType.GlobalBatch };
            o.Deployments["batch-embed"] = new SimulatedDeploymentOptions { Model = "text-embedding-3-small", Type = SimulatedDeploymentType.GlobalBatch };
            o.Deployments["dz-batch"] = new SimulatedDeploymentOptions { Model = "gpt-4o-mini-2024-07-18", Type = SimulatedDeploymentType.DataZoneBatch };
            configure?.Invoke(o);
        }, _time);

    private static string Line(string customId, string model, int n = 0) =>
        $"{{\"custom_id\":\"{customId}\",\"method\":\"POST\",\"url\":\"/chat/completions\",\"body\":{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"Question number {n}?\"}}]}}}}\n";

    private static string ChatLines(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(Line($"req-{i}", "batch", i));
        }

        return text.ToString();
    }

    private static (int Total, int Completed, int Failed) Counts(JsonElement batch)
    {
        var counts = batch.GetProperty("request_counts");
        return (counts.GetProperty("total").GetInt32(), counts.GetProperty("completed").GetInt32(), counts.GetProperty("failed").GetInt32());
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
