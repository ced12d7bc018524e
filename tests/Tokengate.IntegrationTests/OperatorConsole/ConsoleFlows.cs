using Microsoft.Playwright;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>Console actions driven through the UI the way an operator does them, shared by the flow tests.</summary>
internal static class ConsoleFlows
{
    public static async Task CreateGroupAsync(ConsoleBrowser browser, string name)
    {
        await browser.GoAsync("groups", "Groups");
        await browser.Page.ClickAsync("#new-group");
        await browser.Page.FillAsync("#create-group input[name=name]", name);
        await browser.Page.ClickAsync("#create-group button[type=submit]");
        await browser.Page.WaitForSelectorAsync($"h1#page-title:has-text(\"Group {name}\")");
    }

    public static async Task CreateConsumerAsync(ConsoleBrowser browser, string name, string group)
    {
        await browser.GoAsync("consumers", "Consumers");
        await browser.Page.ClickAsync("#new-consumer");
        await browser.Page.FillAsync("#create-consumer input[name=name]", name);
        await browser.Page.FillAsync("#create-consumer input[name=group]", group);
        await browser.Page.ClickAsync("#create-consumer button[type=submit]");
        await browser.Page.WaitForSelectorAsync($"h1#page-title:has-text(\"Consumer {name}\")");
    }

    /// <summary>On a consumer's page: creates a key, reads it from the shown-once dialog, copies it, closes the dialog.</summary>
    public static async Task<string> CreateKeyAsync(ConsoleBrowser browser, string? expires = null)
    {
        var page = browser.Page;
        await page.ClickAsync("#new-key-button");
        if (expires is not null) await page.FillAsync("#create-key input[name=expires]", expires);
        await page.ClickAsync("#create-key button[type=submit]");
        await page.WaitForSelectorAsync("#new-key");
        var key = await page.InputValueAsync("#new-key");
        await page.ClickAsync("dialog button:has-text(\"Copy\")");
        await page.WaitForSelectorAsync("dialog [role=status]:has-text(\"Copied\")");
        Assert.Equal(key, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await page.ClickAsync("dialog button:has-text(\"Done\")");
        // Shown once: gone from the page when the dialog closes.
        await page.WaitForSelectorAsync("#new-key", new() { State = WaitForSelectorState.Detached });
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        return key;
    }
}
