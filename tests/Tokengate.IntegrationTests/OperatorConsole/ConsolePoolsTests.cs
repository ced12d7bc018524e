using System.Net;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>Draining a backend from the pools page moves the traffic to the other one; resuming brings it back.</summary>
public sealed class ConsolePoolsTests
{
    [Fact]
    public async Task DrainedBackend_FromThePoolsPage_TakesNoNewRequests()
    {
        await using var h = await ConsoleHarness.StartAsync();
        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.OperatorKey);
        var page = browser.Page;
        await browser.GoAsync("pools", "Pools & backends");
        // The pool is the configuration's: the page says where it comes from.
        await page.WaitForSelectorAsync(".pool-source:has-text(\"Configured in in-memory configuration\")");
        await page.ClickAsync("button[aria-label=\"Drain sim-a\"]");
        await page.ClickAsync("dialog button:has-text(\"Drain\")");
        await page.WaitForSelectorAsync("[data-backend=\"sim-a\"]:has-text(\"drained\")");
        await browser.ScreenshotAsync("pools-drained");

        for (var i = 0; i < 6; i++)
        {
            using var response = await h.Client.SendAsync(GatewayRequests.Chat(ConsoleHarness.Deployment, ConsoleHarness.AppKey, body: """{"messages":[{"role":"user","content":"after drain"}],"max_tokens":8}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await h.LedgerAsync(6);
        var byBackend = (await h.AdminGetAsync("/admin/usage?by=backend")).GetProperty("data").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("requests").GetInt64());
        Assert.Equal(6, byBackend["sim-b"]);
        Assert.False(byBackend.ContainsKey("sim-a"));

        // The usage explorer shows the same by backend.
        await browser.GoAsync("usage", "Usage");
        await page.SelectOptionAsync("#usage-filters select[name=by]", "backend");
        await page.ClickAsync("#usage-filters button[type=submit]");
        var row = page.Locator("table:has(caption:has-text(\"Usage by backend\")) tbody tr", new() { HasTextString = "sim-b" });
        await row.WaitForAsync();
        Assert.Equal(0, await page.Locator("table:has(caption:has-text(\"Usage by backend\")) tbody tr", new() { HasTextString = "sim-a" }).CountAsync());

        await browser.GoAsync("pools", "Pools & backends");
        await page.ClickAsync("button[aria-label=\"Resume sim-a\"]");
        await page.ClickAsync("dialog button:has-text(\"Resume\")");
        await page.WaitForSelectorAsync("[data-backend=\"sim-a\"]:has-text(\"available\")");
        Assert.Empty(browser.Errors);

        // A reader sees the pools without the buttons, and the API refuses its drain.
        await using var reader = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.ReaderKey);
        await reader.GoAsync("pools", "Pools & backends");
        await reader.Page.WaitForSelectorAsync("main table");
        Assert.Equal(0, await reader.Page.Locator("main button:has-text(\"Drain\")").CountAsync());
        Assert.Equal(403, await reader.FetchStatusAsync("POST", "/admin/backends/sim-a/drain"));
        Assert.Empty(reader.Errors);
    }
}
