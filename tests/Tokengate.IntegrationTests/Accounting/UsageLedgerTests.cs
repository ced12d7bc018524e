using System.Globalization;
using System.Net;
using System.Text.Json;
using Tokengate.Accounting;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;
using Tokengate.IntegrationTests.Simulator;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>Settlement, the usage ledger and budgets, end to end through the gateway.</summary>
public sealed class UsageLedgerTests
{
    [Fact]
    public async Task Stream_WithoutIncludeUsage_ClientSeesNoUsageChunk_AndTheLedgerHasTheExactUsage()
    {
        await using var h = await LimitsHarness.StartAsync([]);
        using var response = await h.ChatAsync(LimitsHarness.ChatBody("Tell me about lighthouses.", maxTokens: 30, stream: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"usage\":{", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);

        var stats = h.Backend.Control.GetStats("gpt-4o");
        var ledger = await h.LedgerAsync(1);
        Assert.Equal(1, ledger.Records);
        Assert.Equal(stats.PromptTokens, ledger.Prompt);
        Assert.Equal(stats.CompletionTokens, ledger.Completion);
        Assert.True(ledger.Completion > 0);
    }

    [Fact]
    public async Task Stream_WithIncludeUsage_ClientKeepsItsUsageChunk()
    {
        await using var h = await LimitsHarness.StartAsync([]);
        using var response = await h.ChatAsync(LimitsHarness.ChatBody("Tell me about lighthouses.", maxTokens: 30, stream: true, includeUsage: true));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var (prompt, completion, saw) = await LimitsHarness.UsageSeenAsync(response);
        Assert.True(saw);
        var ledger = await h.LedgerAsync(1);
        Assert.Equal((prompt, completion), (ledger.Prompt, ledger.Completion));

        using var admin = new HttpRequestMessage(HttpMethod.Get, "admin/usage?by=model&period=day");
        admin.Headers.Add("api-key", LimitsHarness.ReaderKey);
        using var report = await h.Client.SendAsync(admin);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        using var doc = JsonDocument.Parse(await report.Content.ReadAsStringAsync());
        var row = Assert.Single(doc.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("gpt-4o", row.GetProperty("key").GetString());
        Assert.Equal("2026-11-25", row.GetProperty("period").GetString());
        Assert.Equal(1, row.GetProperty("requests").GetInt64());
        Assert.Equal(prompt + completion, row.GetProperty("totalTokens").GetInt64());
        Assert.Equal(((prompt * 2.50m) + (completion * 10.00m)) / 1_000_000m, row.GetProperty("costUsd").GetDecimal());

        using var appKey = new HttpRequestMessage(HttpMethod.Get, "admin/usage");
        appKey.Headers.Add("api-key", LimitsHarness.AppKey);
        using var denied = await h.Client.SendAsync(appKey);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    [Fact]
    public async Task Budget_HardStopLandsAtTheAmount_WithinOneRequest_AndTheAlertFiresOnce()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        const decimal Amount = 0.005m;
        await using var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:Budgets:WebhookUrl"] = hook.Url,
            ["Tokengate:Budgets:Consumers:app:0:Period"] = "Daily",
            ["Tokengate:Budgets:Consumers:app:0:Amount"] = Amount.ToString(CultureInfo.InvariantCulture),
            ["Tokengate:Budgets:Consumers:app:0:AlertPercents:0"] = "50",
        });

        decimal spent = 0, largest = 0;
        HttpResponseMessage? stopped = null;
        var sent = 0;
        for (var i = 0; i < 200 && stopped is null; i++)
        {
            sent++;
            var response = await h.ChatAsync(LimitsHarness.ChatBody($"Story number {i} about the sea, please.", maxTokens: 60));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                stopped = response;
                break;
            }
            var (prompt, completion, _) = await LimitsHarness.UsageSeenAsync(response);
            var cost = ((prompt * 2.50m) + (completion * 10.00m)) / 1_000_000m;
            spent += cost;
            largest = Math.Max(largest, cost);
            response.Dispose();
        }

        Assert.NotNull(stopped);
        var error = await AzureErrorAssert.IsErrorAsync(stopped, HttpStatusCode.TooManyRequests, "BudgetExceeded");
        Assert.Contains("daily budget of consumer 'app'", error.GetProperty("message").GetString());
        Assert.Contains("2026-11-26T00:00:00Z", error.GetProperty("message").GetString());
        Assert.Equal("54000", stopped.Headers.GetValues("retry-after").Single()); // 15 h until midnight UTC
        Assert.InRange(spent, Amount, Amount + largest);
        stopped.Dispose();

        var ledger = await h.LedgerAsync(sent);
        Assert.Equal(spent, UsageTime.FromNanoUsd(ledger.CostNanoUsd), 9);

        // The 50% alert arrives once, however many requests crossed or passed it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (hook.Received.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(25);
        using (var again = await h.ChatAsync(LimitsHarness.ChatBody("still blocked")))
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        var alert = Assert.Single(hook.Received);
        using var doc = JsonDocument.Parse(alert);
        Assert.Equal(50, doc.RootElement.GetProperty("thresholdPercent").GetInt32());
        Assert.Equal("consumer:app:daily:usd", doc.RootElement.GetProperty("budget").GetString());

        // A new day is a new period.
        h.Time.Advance(TimeSpan.FromHours(15));
        using var nextDay = await h.ChatAsync(LimitsHarness.ChatBody("a new day"));
        Assert.Equal(HttpStatusCode.OK, nextDay.StatusCode);
    }

    [Fact]
    public async Task Ledger_GracefulShutdown_EveryFinishedRequestIsWritten()
    {
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Accounting:LedgerBatchSize"] = "7" });
        var requests = Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await h.ChatAsync(LimitsHarness.ChatBody($"Question {i}", maxTokens: 10, stream: i % 3 == 0));
            return await LimitsHarness.UsageSeenAsync(response);
        });
        await Task.WhenAll(requests);

        await h.StopGatewayAsync();
        var stats = h.Backend.Control.GetStats("gpt-4o");
        var ledger = await LimitsHarness.ReadLedgerAsync(h.Data);
        Assert.Equal(40, ledger.Records);
        Assert.Equal(stats.PromptTokens, ledger.Prompt);
        Assert.Equal(stats.CompletionTokens, ledger.Completion);
    }

    [Fact]
    public async Task Stream_CutBeforeItsUsageChunk_LedgerHasThePromptAndTheDeliveredCompletionCountedByTheGateway()
    {
        await using var h = await LimitsHarness.StartAsync([]);
        h.Backend.Control.Update("gpt-4o", o =>
        {
            o.Faults.MidStreamCutNextCount = 1;
            o.Faults.MidStreamCutAfterChunks = 4;
        });
        const string Prompt = "Tell me a long story about lighthouses.";
        using var response = await h.ChatAsync(LimitsHarness.ChatBody(Prompt, maxTokens: 60, stream: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("stream_interrupted", events[^1], StringComparison.Ordinal);

        // What reached the client, counted with the model's tokenizer.
        var delivered = new System.Text.StringBuilder();
        foreach (var e in events[..^1])
        {
            using var doc = JsonDocument.Parse(e["data: ".Length..]);
            foreach (var choice in doc.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    delivered.Append(content.GetString());
            }
        }
        Assert.NotEqual(0, delivered.Length);

        var ledger = await h.LedgerAsync(1);
        Assert.Equal(1, ledger.Records);
        Assert.Equal(ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", Prompt, null)), ledger.Prompt);
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(delivered.ToString()), ledger.Completion);
        Assert.Equal("Counted", await LedgerTextAsync(h, "usage_source"));
    }

    [Fact]
    public async Task Budget_ThrottleInsteadOfBlock_RequestsContinueAtTheThrottleRate()
    {
        await using var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:Budgets:Consumers:app:0:Period"] = "Daily",
            ["Tokengate:Budgets:Consumers:app:0:Unit"] = "Tokens",
            ["Tokengate:Budgets:Consumers:app:0:Amount"] = "1",
            ["Tokengate:Budgets:Consumers:app:0:OverBudget"] = "Throttle",
            ["Tokengate:Budgets:Consumers:app:0:ThrottleRequestsPerMinute"] = "2",
        });

        // The first request spends the budget; from then on two requests a minute pass.
        for (var i = 0; i < 3; i++)
        {
            using var ok = await h.ChatAsync(LimitsHarness.ChatBody($"Question {i}", maxTokens: 10));
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"request {i}: {await ok.Content.ReadAsStringAsync()}");
        }
        using var throttled = await h.ChatAsync(LimitsHarness.ChatBody("One too many", maxTokens: 10));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var body = await throttled.Content.ReadAsStringAsync();
        Assert.Contains("2 requests per minute", body, StringComparison.Ordinal);
        Assert.Contains("(throttled)", body, StringComparison.Ordinal);
        Assert.DoesNotContain("BudgetExceeded", body, StringComparison.Ordinal);
        var retryAfter = int.Parse(throttled.Headers.GetValues("retry-after").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);

        // Once the refusal's retry-after has passed, the consumer gets through again (still throttled, never blocked).
        h.Time.Advance(TimeSpan.FromSeconds(retryAfter));
        using var again = await h.ChatAsync(LimitsHarness.ChatBody("Later", maxTokens: 10));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private static async Task<string> LedgerTextAsync(LimitsHarness h, string column)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(h.Data.FullName, "tokengate.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {column} FROM usage_ledger ORDER BY id DESC LIMIT 1";
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
