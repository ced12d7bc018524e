using System.Net;
using System.Text.Json;
using Tokengate.Batches;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>
/// Batches in azure mode: the input placed on the pool's Global Batch deployment with its lines naming that deployment,
/// the batch created and followed there (at most once a poll interval), its output copied into the consumer's files,
/// its usage in the ledger at the batch price, cancel forwarded, owner-only.
/// </summary>
public sealed class AzureBatchTests : IAsyncLifetime
{
    private const string Alice = AzureBatchHarness.AliceKey;
    private const string Bob = AzureBatchHarness.BobKey;
    private static readonly TimeSpan PastPollInterval = TimeSpan.FromSeconds(61);
    private AzureBatchHarness _h = null!;

    public async Task InitializeAsync() => _h = await AzureBatchHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Id(JsonElement body) => body.GetProperty("id").GetString()!;

    private static string Status(JsonElement body) => body.GetProperty("status").GetString()!;

    [Fact]
    public async Task Create_AzureMode_LinesRewrittenToTheBatchDeployment_CompletedOutputReadableThroughTheGateway()
    {
        var file = await _h.UploadAsync(Alice, AzureBatchHarness.Lines(3));

        var created = await _h.CreateBatchAsync(Alice, file);

        Assert.StartsWith("batch_", Id(created), StringComparison.Ordinal);
        Assert.Equal("validating", Status(created));
        Assert.Equal(file, created.GetProperty("input_file_id").GetString());
        Assert.Equal(AzureBatchHarness.Pool, created.GetProperty("model").GetString());
        Assert.Equal("nightly", created.GetProperty("metadata").GetProperty("job").GetString());
        var stored = (await _h.StoredAsync(Id(created)))!;
        Assert.Equal(BatchMode.Azure, stored.Mode);
        Assert.Equal("batch", stored.Backend);
        // The resource holds a copy of the input whose every line names its batch deployment.
        var input = await _h.ResourceTextAsync($"openai/v1/files/{stored.UpstreamFileId}/content");
        var lines = input.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Equal(AzureBatchHarness.BatchDeployment, JsonDocument.Parse(l).RootElement.GetProperty("body").GetProperty("model").GetString()));
        var upstream = await _h.ResourceAsync($"openai/v1/batches/{stored.UpstreamId}");
        Assert.Equal(stored.UpstreamFileId, upstream.GetProperty("input_file_id").GetString());

        await _h.AdvanceUpstreamAsync(stored.UpstreamId!, toEnd: true);
        _h.Time.Advance(PastPollInterval);
        var done = await _h.RetrieveUntilAsync(Alice, Id(created), "completed");

        Assert.Equal(3, done.GetProperty("request_counts").GetProperty("total").GetInt32());
        Assert.Equal(3, done.GetProperty("request_counts").GetProperty("completed").GetInt32());
        Assert.Equal(AzureBatchHarness.BatchDeployment, (await _h.ResourceAsync($"openai/v1/batches/{stored.UpstreamId}")).GetProperty("model").GetString());
        var outputId = done.GetProperty("output_file_id").GetString()!;
        Assert.StartsWith("file-", outputId, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, done.GetProperty("error_file_id").ValueKind);
        using var content = await _h.SendAsync(Alice, HttpMethod.Get, $"openai/v1/files/{outputId}/content");
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        var output = (await content.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["req-0", "req-1", "req-2"], output.Select(l => l.GetProperty("custom_id").GetString()).Order());
        Assert.All(output, l => Assert.Equal(200, l.GetProperty("response").GetProperty("status_code").GetInt32()));
        var meta = await _h.OkAsync(Alice, HttpMethod.Get, $"openai/v1/files/{outputId}");
        Assert.Equal("batch_output", meta.GetProperty("purpose").GetString());
    }

    [Fact]
    public async Task Completed_Usage_OneLedgerRowAtHalfPrice_OnTheBatchRow()
    {
        var created = await _h.CreateBatchAsync(Alice, await _h.UploadAsync(Alice, AzureBatchHarness.Lines(4)));
        var stored = (await _h.StoredAsync(Id(created)))!;
        await _h.AdvanceUpstreamAsync(stored.UpstreamId!, toEnd: true);
        _h.Time.Advance(PastPollInterval);

        var done = await _h.RetrieveUntilAsync(Alice, Id(created), "completed");

        var upstreamUsage = (await _h.ResourceAsync($"openai/v1/batches/{stored.UpstreamId}")).GetProperty("usage");
        var input = upstreamUsage.GetProperty("input_tokens").GetInt64();
        var output = upstreamUsage.GetProperty("output_tokens").GetInt64();
        Assert.True(input > 0 && output > 0);
        var usage = done.GetProperty("usage");
        Assert.Equal(input, usage.GetProperty("input_tokens").GetInt64());
        Assert.Equal(output, usage.GetProperty("output_tokens").GetInt64());
        var row = Assert.Single(await _h.LedgerAsync(Id(created)));
        Assert.Equal((input, 0L, output), (row.Prompt, row.Cached, row.Completion));
        // gpt-4o lists at 2.50 USD per million input and 10 per million output tokens; batches cost half.
        Assert.Equal(Math.Round((input * 2.50m + output * 10.00m) / 1_000_000m * 0.5m, 9), row.Cost);
        Assert.Equal(AzureBatches.RecordIdFor(Id(created)).ToString(), row.RecordId);

        // Asked again later, nothing more is counted.
        _h.Time.Advance(PastPollInterval);
        await _h.GetBatchAsync(Alice, Id(created));
        Assert.Single(await _h.LedgerAsync(Id(created)));
    }

    [Fact]
    public async Task Retrieve_WithinThePollInterval_BackendNotAskedAgain()
    {
        var created = await _h.CreateBatchAsync(Alice, await _h.UploadAsync(Alice, AzureBatchHarness.Lines(2)));
        await _h.GetBatchAsync(Alice, Id(created));
        var polled = await _h.PolledAsync(Id(created));
        Assert.Equal("validating", polled.Status);

        // The resource finishes the batch, but the gateway last asked less than 60 s ago: it answers what it stored.
        await _h.AdvanceUpstreamAsync(polled.UpstreamId!, toEnd: true);
        _h.Time.Advance(TimeSpan.FromSeconds(59));
        var early = await _h.GetBatchAsync(Alice, Id(created));
        Assert.Equal("validating", Status(early));
        Assert.Equal(polled.PolledAt, (await _h.StoredAsync(Id(created)))!.PolledAt);

        _h.Time.Advance(TimeSpan.FromSeconds(2));
        await _h.RetrieveUntilAsync(Alice, Id(created), "completed");
    }

    [Fact]
    public async Task Cancel_InProgress_ForwardedThenCancelled()
    {
        var created = await _h.CreateBatchAsync(Alice, await _h.UploadAsync(Alice, AzureBatchHarness.Lines(3)));
        var stored = (await _h.StoredAsync(Id(created)))!;
        await _h.AdvanceUpstreamAsync(stored.UpstreamId!, toEnd: false);

        var cancelling = await _h.OkAsync(Alice, HttpMethod.Post, $"openai/v1/batches/{Id(created)}/cancel");

        Assert.Equal("cancelling", Status(cancelling));
        Assert.NotEqual(JsonValueKind.Null, cancelling.GetProperty("cancelling_at").ValueKind);
        Assert.Equal("cancelling", Status(await _h.ResourceAsync($"openai/v1/batches/{stored.UpstreamId}")));
        await _h.AdvanceUpstreamAsync(stored.UpstreamId!, toEnd: true);
        _h.Time.Advance(PastPollInterval);
        var cancelled = await _h.RetrieveUntilAsync(Alice, Id(created), "cancelled");
        Assert.NotEqual(JsonValueKind.Null, cancelled.GetProperty("cancelled_at").ValueKind);

        using var again = await _h.SendAsync(Alice, HttpMethod.Post, $"openai/v1/batches/{Id(created)}/cancel");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task AnotherConsumersBatch_Retrieve_CancelAnd404()
    {
        var created = await _h.CreateBatchAsync(Alice, await _h.UploadAsync(Alice, AzureBatchHarness.Lines(1)));

        using var get = await _h.SendAsync(Bob, HttpMethod.Get, $"openai/v1/batches/{Id(created)}");
        using var cancel = await _h.SendAsync(Bob, HttpMethod.Post, $"openai/v1/batches/{Id(created)}/cancel");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal("validating", Status(await _h.ResourceAsync($"openai/v1/batches/{(await _h.StoredAsync(Id(created)))!.UpstreamId}")));
    }

    [Fact]
    public async Task Create_BackendRefuses_AzureShapedErrorAndNothingStored()
    {
        var file = await _h.UploadAsync(Alice, AzureBatchHarness.Lines(1));
        _h.Resource.Control.FailNextResourceCalls(1, 429, TimeSpan.FromSeconds(7));

        using var refused = await _h.SendAsync(Alice, HttpMethod.Post, "openai/v1/batches",
            $$"""{"input_file_id":"{{file}}","endpoint":"/v1/chat/completions","completion_window":"24h"}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("retry-after"));
        using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("error").GetProperty("message").GetString()));
        var list = await _h.OkAsync(Alice, HttpMethod.Get, "openai/v1/batches");
        Assert.Empty(list.GetProperty("data").EnumerateArray());
    }
}
