using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>Gateway-run batches through a real gateway and simulator: lines run on the provisioned backend, answered once each, priced as batch work.</summary>
public sealed class GatewayRunBatchTests : IAsyncLifetime
{
    private BatchHarness _h = null!;

    public async Task InitializeAsync() => _h = await BatchHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Batch_RunsEveryLineOnce_OnTheProvisionedBackend_OutputInTheFilesApi_LedgerAtBatchPrice()
    {
        const int Lines = 40;
        var file = await _h.UploadAsync(BatchHarness.ChatLines(Lines));
        var id = await _h.CreateIdAsync(file);

        var done = await _h.WaitForAsync(id, "completed");

        Assert.Equal(Lines, done.GetProperty("request_counts").GetProperty("total").GetInt32());
        Assert.Equal(Lines, done.GetProperty("request_counts").GetProperty("completed").GetInt32());
        Assert.Equal(0, done.GetProperty("request_counts").GetProperty("failed").GetInt32());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("error_file_id").ValueKind);
        Assert.True(done.GetProperty("usage").GetProperty("input_tokens").GetInt64() > 0);
        var output = (await _h.FileContentAsync(done.GetProperty("output_file_id").GetString()!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ids = output.Select(l => JsonDocument.Parse(l).RootElement).Select(e =>
        {
            Assert.Equal(200, e.GetProperty("response").GetProperty("status_code").GetInt32());
            Assert.Equal("chat.completion", e.GetProperty("response").GetProperty("body").GetProperty("object").GetString());
            return e.GetProperty("custom_id").GetString();
        }).ToList();
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"task-{i}"), ids);

        // Every line went to the provisioned deployment, none to pay-as-you-go; one ledger row per line, at the lowest class.
        Assert.Equal(Lines, _h.Backend.Control.GetStats("gpt-4o-ptu").RequestsReceived);
        Assert.Equal(0, _h.Backend.Control.GetStats("gpt-4o").RequestsReceived);
        var rows = await _h.LedgerRowsAsync(id);
        Assert.Equal(Lines, rows.Count);
        Assert.Equal(Lines, rows.Select(r => r.RecordId).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(("low", "ptu"), (r.Priority, r.Backend)));
    }

    [Fact]
    public async Task Batch_CostsHalfTheSameRequestsLive()
    {
        var file = await _h.UploadAsync(BatchHarness.ChatLines(1));
        var id = await _h.CreateIdAsync(file);
        await _h.WaitForAsync(id, "completed");
        var batchCost = (await _h.LedgerRowsAsync(id)).Single().CostNanoUsd;

        // The same request live: the simulator answers the same prompt with the same usage.
        var line = JsonDocument.Parse(BatchHarness.ChatLines(1).Trim()).RootElement.GetProperty("body").GetRawText();
        using var live = await _h.Client.SendAsync(GatewayRequests.Chat(BatchHarness.Pool, BatchHarness.AppKey, body: line));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var liveCost = await LiveCostAsync();
        Assert.True(batchCost > 0);
        Assert.Equal(liveCost / 2, batchCost);
    }

    [Fact]
    public async Task Batch_LinesWithAnotherUrl_FailsValidation_WithTheLineNumbers()
    {
        var jsonl = BatchHarness.ChatLines(2) + JsonSerializer.Serialize(new
        {
            custom_id = "wrong",
            method = "POST",
            url = "/v1/embeddings",
            body = new { model = BatchHarness.Pool, input = "x" },
        }) + "\n";
        var id = await _h.CreateIdAsync(await _h.UploadAsync(jsonl));

        var failed = await _h.WaitForAsync(id, "failed");
        var error = failed.GetProperty("errors").GetProperty("data")[0];
        Assert.Equal("invalid_url", error.GetProperty("code").GetString());
        Assert.Equal(3, error.GetProperty("line").GetInt32());
        Assert.Equal(0, _h.Backend.Control.GetStats("gpt-4o-ptu").RequestsReceived);
    }

    [Fact]
    public async Task Create_BadInput_AzureShapedErrors()
    {
        using (var missing = await _h.Client.SendAsync(GatewayRequests.Post("/openai/v1/batches", BatchHarness.AppKey, """{"endpoint":"/v1/chat/completions","completion_window":"24h"}""")))
            await AzureErrorAssert.IsErrorAsync(missing, HttpStatusCode.BadRequest, "invalid_request_error");
        using (var notJson = await _h.Client.SendAsync(GatewayRequests.Post("/openai/v1/batches", BatchHarness.AppKey, "{")))
            await AzureErrorAssert.IsErrorAsync(notJson, HttpStatusCode.BadRequest, "invalid_request_error");
        var file = await _h.UploadAsync(BatchHarness.ChatLines(1));
        using (var endpoint = await _h.CreateAsync(file, endpoint: "/v1/images/generations"))
            await AzureErrorAssert.IsErrorAsync(endpoint, HttpStatusCode.BadRequest, "invalid_request_error");
        using (var notTheirs = await _h.CreateAsync(file, key: BatchHarness.OtherKey))
            await AzureErrorAssert.IsErrorAsync(notTheirs, HttpStatusCode.NotFound, "not_found");
        using (var badMode = await _h.CreateAsync(file, mode: "sideways"))
            await AzureErrorAssert.IsErrorAsync(badMode, HttpStatusCode.BadRequest, "invalid_request_error");
        using (var noBatchBackend = await _h.CreateAsync(file, mode: "azure"))
            await AzureErrorAssert.IsErrorAsync(noBatchBackend, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task AnotherConsumersBatch_IsNotFound()
    {
        var id = await _h.CreateIdAsync(await _h.UploadAsync(BatchHarness.ChatLines(1)));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/openai/v1/batches/{id}");
        request.Headers.Add("api-key", BatchHarness.OtherKey);
        using var response = await _h.Client.SendAsync(request);
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    private async Task<long> LiveCostAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_h.Data.FullName, "tokengate.db")};Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT cost_nanousd FROM usage_ledger WHERE batch_id IS NULL";
            if (await command.ExecuteScalarAsync() is long cost) return cost;
            Assert.True(DateTime.UtcNow < deadline, "no ledger row for the live request");
            await Task.Delay(25);
        }
    }
}
