using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>Cancelling a gateway-run batch part-way, and a batch refused at creation because it would pass a hard budget.</summary>
public sealed class BatchCancelAndBudgetTests
{
    [Fact]
    public async Task Cancel_InProgress_StopsTakingLines_FinishedLinesInTheOutput_TheRestInTheErrorFile()
    {
        await using var h = await BatchHarness.StartAsync();
        // Slow answers, so the batch is still running when it is cancelled.
        h.Backend.Control.Update("gpt-4o-ptu", o => o.Latency.TimeToFirstTokenMs = 100);
        const int Lines = 200;
        var id = await h.CreateIdAsync(await h.UploadAsync(BatchHarness.ChatLines(Lines)));
        await Secrets.Poll.UntilAsync(async () => (await h.GetAsync(id)).GetProperty("request_counts").GetProperty("completed").GetInt32() >= 4, TimeSpan.FromSeconds(60));

        using var cancel = await h.Client.SendAsync(GatewayRequests.Post($"/openai/v1/batches/{id}/cancel", BatchHarness.AppKey, ""));
        var cancelling = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Contains(cancelling.GetProperty("status").GetString(), new[] { "cancelling", "cancelled" });

        var cancelled = await h.WaitForAsync(id, "cancelled");
        var answered = cancelled.GetProperty("request_counts").GetProperty("completed").GetInt32();
        Assert.InRange(answered, 4, Lines - 1);
        var output = (await h.FileContentAsync(cancelled.GetProperty("output_file_id").GetString()!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var errors = (await h.FileContentAsync(cancelled.GetProperty("error_file_id").GetString()!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(answered, output.Length);
        Assert.Equal(Lines - answered, errors.Length);
        Assert.All(errors, l => Assert.Equal("batch_cancelled", JsonDocument.Parse(l).RootElement.GetProperty("error").GetProperty("code").GetString()));
        var all = output.Concat(errors).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("custom_id").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"task-{i}").Order(StringComparer.Ordinal), all);
        Assert.Equal(answered, (await h.LedgerRowsAsync(id)).Count);

        // Cancelling again is harmless; a finished batch cannot be cancelled into anything else.
        using var again = await h.Client.SendAsync(GatewayRequests.Post($"/openai/v1/batches/{id}/cancel", BatchHarness.AppKey, ""));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("cancelled", JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_EstimateAboveAHardBudget_Refused429WithTheEstimate_NothingRuns()
    {
        await using var h = await BatchHarness.StartAsync(new()
        {
            ["Tokengate:Budgets:Consumers:app:0:Amount"] = "0.01",
            ["Tokengate:Budgets:Consumers:app:0:Period"] = "Monthly",
        });
        // 100 lines at 1,000 output tokens each (the default estimate) cost far more than a cent at gpt-4o prices (one line, about half a cent, fits).
        var file = await h.UploadAsync(BatchHarness.ChatLines(100));

        using var response = await h.CreateAsync(file);

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "BudgetExceeded");
        Assert.Contains("estimated at", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, h.Backend.Control.GetStats("gpt-4o-ptu").RequestsReceived);

        // A small batch still fits.
        using var small = await h.CreateAsync(await h.UploadAsync(BatchHarness.ChatLines(1, maxTokens: 4)));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }
}
