using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Dashboard;

/// <summary>The dashboard in headless Chromium (Debian's package, driven by Playwright; nothing is downloaded).</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task Dashboard_AfterAWorkload_ShowsNonEmptyCharts_WithoutConsoleErrors()
    {
        Assert.True(File.Exists(DashboardBrowser.Chromium), "Debian's chromium package is missing; ./test.sh installs it.");
        await using var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:Budgets:Consumers:app:0:Period"] = "Daily",
            ["Tokengate:Budgets:Consumers:app:0:Amount"] = 1.ToString(CultureInfo.InvariantCulture),
        });
        for (var i = 0; i < 8; i++)
        {
            using var response = await h.ChatAsync(LimitsHarness.ChatBody($"Dashboard question {i}", maxTokens: 30, stream: i % 2 == 0));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
            h.Time.Advance(TimeSpan.FromSeconds(10)); // spread the workload over several 10 s buckets
        }
        h.Backend.Control.FailNext("gpt-4o", 1, 429, TimeSpan.FromSeconds(1));
        using (var throttled = await h.ChatAsync(LimitsHarness.ChatBody("throttled")))
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        await h.LedgerAsync(9);

        await using var browser = await DashboardBrowser.SignInAsync(h.Gateway.Endpoint, LimitsHarness.ReaderKey);
        var page = browser.Page;

        var attached = new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached };
        await page.WaitForSelectorAsync("#chart-tpm svg path.series", attached);
        await page.WaitForSelectorAsync("#chart-consumers svg rect.bar", attached);
        Assert.True(await page.Locator("#chart-rpm svg path.series").CountAsync() > 0);
        Assert.True(await page.Locator("#chart-throttle svg .series").CountAsync() > 0);
        Assert.True(await page.Locator("#chart-latency svg .series").CountAsync() > 0);
        Assert.Contains("app", await page.Locator("#chart-consumers").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("daily budget of consumer 'app'", await page.Locator("#budgets").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("sim", await page.Locator("#utilization").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("No requests waiting", await page.Locator("#queue").InnerTextAsync(), StringComparison.Ordinal);
        // The key stays in the tab's session storage and out of the URL.
        Assert.DoesNotContain(LimitsHarness.ReaderKey, page.Url, StringComparison.Ordinal);
        Assert.Equal(LimitsHarness.ReaderKey, await page.EvaluateAsync<string>("sessionStorage.getItem('tokengate.dashboard.key')"));

        var artifacts = Path.Combine(RepositoryPaths.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "dashboard.png"), FullPage = true });
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task Dashboard_AdviceView_ShowsADeploymentsRecommendation_WithoutConsoleErrors()
    {
        Assert.True(File.Exists(DashboardBrowser.Chromium), "Debian's chromium package is missing; ./test.sh installs it.");
        await using var h = await LimitsHarness.StartAsync(new());
        // A small synthetic ledger: one gpt-4o row a minute on deployment 'steady' for the last six hours before the
        // harness's clock (inside the 30 days /admin/advice looks at by default).
        var now = h.Time.GetUtcNow().UtcDateTime;
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
        string reason;
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/admin/advice"))
        {
            request.Headers.Add("api-key", LimitsHarness.ReaderKey);
            using var response = await h.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var steady = doc.RootElement.GetProperty("deployments").EnumerateArray().Single(d => d.GetProperty("deployment").GetString() == "steady");
            reason = steady.GetProperty("reason").GetString()!;
        }

        await using var browser = await DashboardBrowser.SignInAsync(h.Gateway.Endpoint, LimitsHarness.ReaderKey);
        var page = browser.Page;
        await page.ClickAsync("#views button[data-view=advice]");
        await page.WaitForSelectorAsync("#advice-ptu table");

        Assert.True(await page.Locator("#board").IsHiddenAsync());
        var ptu = await page.Locator("#advice-ptu").InnerTextAsync();
        Assert.Contains("steady", ptu, StringComparison.Ordinal);
        Assert.Contains(reason, ptu, StringComparison.Ordinal);
        Assert.Contains(reason.EndsWith("stay on PAYG.", StringComparison.Ordinal) ? "stay PAYG" : "PTU ", ptu, StringComparison.Ordinal);
        Assert.Contains("Quality is not measured", await page.Locator("#advice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#advice-notes li").CountAsync() > 0);

        var artifacts = Path.Combine(RepositoryPaths.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "dashboard-advice.png"), FullPage = true });
        Assert.Empty(browser.Errors);
    }
}
