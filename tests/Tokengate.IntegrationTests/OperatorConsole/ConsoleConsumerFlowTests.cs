using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>
/// An operator creates a group, a consumer and its key in the console; the npm openai client uses the key; the
/// request shows in the usage explorer with its cost; a budget below the spend refuses the next request; revoking
/// the key makes the client's next request a 401.
/// </summary>
public sealed class ConsoleConsumerFlowTests
{
    [Fact]
    public async Task CreatedConsumerKey_ServesTheNpmClient_AndItsCostShowsInUsage()
    {
        await using var h = await ConsoleHarness.StartAsync();
        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.OperatorKey);
        await ConsoleFlows.CreateGroupAsync(browser, "research");
        await ConsoleFlows.CreateConsumerAsync(browser, "alice", "research");
        var key = await ConsoleFlows.CreateKeyAsync(browser, "30d");

        var chat = await h.NodeChatAsync(key);
        Assert.Equal(200, chat.GetProperty("status").GetInt32());
        await h.LedgerAsync(1);
        var cost = (await h.AdminGetAsync("/admin/usage?by=consumer&consumer=alice")).GetProperty("data")[0].GetProperty("costUsd").GetDouble();
        Assert.True(cost > 0);

        await browser.GoAsync("usage", "Usage");
        await browser.Page.FillAsync("#usage-filters input[name=consumer]", "alice");
        await browser.Page.ClickAsync("#usage-filters button[type=submit]");
        var row = browser.Page.Locator("table:has(caption:has-text(\"Usage by consumer\")) tbody tr", new() { HasTextString = "alice" });
        await row.WaitForAsync();
        var text = await row.InnerTextAsync();
        Assert.Contains("$" + cost.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        await browser.Page.WaitForSelectorAsync("#chart-usage canvas");
        Assert.Contains("format=csv", await browser.Page.GetAttributeAsync("#usage-csv", "href"), StringComparison.Ordinal);
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task BudgetBelowTheSpend_SetInTheConsole_RefusesTheClientsNextRequest()
    {
        await using var h = await ConsoleHarness.StartAsync();
        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.OperatorKey);
        await ConsoleFlows.CreateConsumerAsync(browser, "bob", "");
        var key = await ConsoleFlows.CreateKeyAsync(browser);
        Assert.Equal(200, (await h.NodeChatAsync(key)).GetProperty("status").GetInt32());
        await h.LedgerAsync(1);

        await browser.GoAsync("budgets", "Budgets");
        await browser.Page.ClickAsync("#new-budget");
        await browser.Page.SelectOptionAsync("#budget-form select[name=scope]", "consumer");
        await browser.Page.FillAsync("#budget-form input[name=name]", "bob");
        await browser.Page.SelectOptionAsync("#budget-form select[name=period]", "daily");
        await browser.Page.FillAsync("#budget-form input[name=amount]", "0.000001");
        await browser.Page.SelectOptionAsync("#budget-form select[name=action]", "block");
        await browser.Page.ClickAsync("#budget-form button[type=submit]");
        var row = browser.Page.Locator("main tbody tr", new() { HasTextString = "consumer bob" });
        await row.WaitForAsync();
        Assert.Contains("daily", await row.InnerTextAsync(), StringComparison.Ordinal);

        var refused = await h.NodeChatAsync(key);
        Assert.Equal(429, refused.GetProperty("status").GetInt32());
        await browser.ScreenshotAsync("budgets-over");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task RevokedKey_InTheConsole_GetsTheClientA401()
    {
        await using var h = await ConsoleHarness.StartAsync();
        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.OperatorKey);
        await ConsoleFlows.CreateConsumerAsync(browser, "carol", "");
        var key = await ConsoleFlows.CreateKeyAsync(browser);
        Assert.Equal(200, (await h.NodeChatAsync(key)).GetProperty("status").GetInt32());

        await browser.Page.ClickAsync("button[aria-label^=\"Revoke key\"]");
        await browser.Page.ClickAsync("dialog button.danger:has-text(\"Revoke\")");
        await browser.Page.Locator("main tbody tr", new() { HasTextString = "revoked" }).WaitForAsync();
        await browser.ScreenshotAsync("consumer-keys");

        Assert.Equal(401, (await h.NodeChatAsync(key)).GetProperty("status").GetInt32());
        Assert.Empty(browser.Errors);
    }
}
