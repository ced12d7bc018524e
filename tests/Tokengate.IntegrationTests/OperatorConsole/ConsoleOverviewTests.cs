using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>The overview's live Chart.js charts and the advice page, read by a reader.</summary>
public sealed class ConsoleOverviewTests
{
    [Fact]
    public async Task Overview_AfterAWorkload_DrawsNonEmptyCharts_AndRefreshes()
    {
        await using var h = await ConsoleHarness.StartAsync(new()
        {
            ["Tokengate:Budgets:Consumers:app:0:Period"] = "Daily",
            ["Tokengate:Budgets:Consumers:app:0:Amount"] = "1",
        });
        for (var i = 0; i < 6; i++)
        {
            using var response = await h.Client.SendAsync(GatewayRequests.Chat(ConsoleHarness.Deployment, ConsoleHarness.AppKey, body: $$"""{"messages":[{"role":"user","content":"question {{i}}"}],"max_tokens":30,"stream":{{(i % 2 == 0 ? "true" : "false")}}}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
        }
        h.BackendA.Control.FailNext("gpt-4o", 1, 429, TimeSpan.FromSeconds(1));
        h.BackendB.Control.FailNext("gpt-4o", 1, 429, TimeSpan.FromSeconds(1));
        using (await h.Client.SendAsync(GatewayRequests.Chat(ConsoleHarness.Deployment, ConsoleHarness.AppKey, body: """{"messages":[{"role":"user","content":"throttled"}],"max_tokens":8}"""))) { }
        await h.LedgerAsync(7);

        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.ReaderKey);
        var page = browser.Page;
        await page.WaitForSelectorAsync("#chart-tpm canvas");
        const string HasData = "id => { const c = Chart.getChart(document.querySelector('#' + id + ' canvas')); return !!c && c.data.datasets.some(d => d.data.some(v => v > 0)); }";
        foreach (var id in new[] { "chart-tpm", "chart-rpm", "chart-throttle", "chart-latency", "chart-consumers", "chart-cost" })
            await page.WaitForFunctionAsync(HasData, id);
        Assert.Contains("daily budget of consumer 'app'", await page.InnerTextAsync("#budgets"), StringComparison.Ordinal);
        Assert.Contains("sim-a", await page.InnerTextAsync("#utilization"), StringComparison.Ordinal);
        Assert.Contains("No requests waiting", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        // Live periods refresh on their own.
        var first = await page.InnerTextAsync("#overview-updated");
        await page.WaitForFunctionAsync("t => document.querySelector('#overview-updated').textContent !== t", first, new() { Timeout = 15_000 });
        // The ledger periods draw from /admin/usage.
        await page.ClickAsync("button:has-text(\"24 hours\")");
        await page.WaitForFunctionAsync(HasData, "chart-rpm");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task Advice_ShowsADeploymentsRecommendation()
    {
        await using var h = await ConsoleHarness.StartAsync();
        // A small synthetic ledger: one gpt-4o row a minute on deployment 'steady' for the last six hours.
        var now = DateTime.UtcNow;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(h.Data.FullName, "tokengate.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            for (var i = 1; i <= 6 * 60; i++)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO usage_ledger (at, consumer, deployment, backend, model, prompt_tokens, cached_tokens, completion_tokens, cost_nanousd,
                        status, latency_ms, stream, usage_source, operation)
                    VALUES (@at, 'app', 'steady', 'payg-east', 'gpt-4o', 100000, 0, 10000, 350000000, 200, 100, 0, 'response', 'chat.completions')
                    """;
                command.Parameters.AddWithValue("@at", now.AddMinutes(-i).ToString("O", CultureInfo.InvariantCulture));
                await command.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }
        var advice = await h.AdminGetAsync("/admin/advice", ConsoleHarness.ReaderKey);
        var reason = advice.GetProperty("deployments").EnumerateArray().Single(d => d.GetProperty("deployment").GetString() == "steady").GetProperty("reason").GetString()!;

        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.ReaderKey);
        await browser.GoAsync("advice", "Advice");
        await browser.Page.WaitForSelectorAsync("#advice-ptu table");
        var ptu = await browser.Page.InnerTextAsync("#advice-ptu");
        Assert.Contains("steady", ptu, StringComparison.Ordinal);
        Assert.Contains(reason, ptu, StringComparison.Ordinal);
        Assert.Contains("Quality is not measured", await browser.Page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.True(await browser.Page.Locator("#advice-notes li").CountAsync() > 0);
        await browser.ScreenshotAsync("advice-steady");
        Assert.Empty(browser.Errors);
    }
}
