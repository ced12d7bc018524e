using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>The policy editor: a managed part saved through the API; a part a configuration source owns shown read-only with its source.</summary>
public sealed class ConsolePolicyTests
{
    [Fact]
    public async Task PolicyEditor_SavesAManagedPart_AndShowsAConfiguredPartReadOnlyWithItsSource()
    {
        await using var h = await ConsoleHarness.StartAsync(new() { ["Tokengate:Limits:Consumers:app:TokensPerMinute"] = "1000" });
        using (var create = new HttpRequestMessage(HttpMethod.Post, "/admin/consumers") { Content = JsonContent.Create(new { name = "alice", roles = new[] { "consumer" } }) })
        {
            create.Headers.Add("api-key", ConsoleHarness.OperatorKey);
            using var created = await h.Client.SendAsync(create);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.OperatorKey);
        var page = browser.Page;

        await browser.GoAsync("consumers/alice", "Consumer alice");
        await page.FillAsync("form[data-part=limits] input[name=tpm]", "5000");
        await page.FillAsync("form[data-part=limits] input[name=max-tokens-cap]", "256");
        await page.ClickAsync("form[data-part=limits] button[type=submit]");
        await page.WaitForSelectorAsync("form[data-part=limits] [role=status]:has-text(\"Saved\")");
        var limits = (await h.AdminGetAsync("/admin/consumers/alice")).GetProperty("policy").GetProperty("limits");
        Assert.Equal(5000, limits.GetProperty("tokensPerMinute").GetInt32());
        Assert.Equal(256, limits.GetProperty("maxTokens").GetProperty("cap").GetInt32());

        await page.SelectOptionAsync("form[data-part=logging] select[name=logging]", "metadata");
        await page.ClickAsync("form[data-part=logging] button[type=submit]");
        await page.WaitForSelectorAsync("form[data-part=logging] [role=status]:has-text(\"Saved\")");
        Assert.Equal("metadata", (await h.AdminGetAsync("/admin/consumers/alice")).GetProperty("policy").GetProperty("logging").GetString());

        // A group's policy: the same editor, without IP ranges (a consumer's own).
        await browser.GoAsync("groups/team", "Group team");
        Assert.Equal(0, await page.Locator("form[data-part=allowedIpRanges]").CountAsync());
        await page.FillAsync("form[data-part=limits] input[name=rpm]", "100");
        await page.ClickAsync("form[data-part=limits] button[type=submit]");
        await page.WaitForSelectorAsync("form[data-part=limits] [role=status]:has-text(\"Saved\")");
        Assert.Equal(100, (await h.AdminGetAsync("/admin/groups/team")).GetProperty("policy").GetProperty("limits").GetProperty("requestsPerMinute").GetInt32());
        Assert.Contains("app", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        // app's limits come from the gateway's configuration: read-only, with the source named.
        var detail = await h.AdminGetAsync("/admin/consumers/app");
        var source = detail.GetProperty("sources").GetProperty("limits").GetString()!;
        Assert.NotEqual("managed", source);
        await browser.GoAsync("consumers/app", "Consumer app");
        await page.WaitForSelectorAsync("form[data-part=limits] fieldset[disabled]", new() { State = WaitForSelectorState.Attached });
        Assert.Contains(source, await page.InnerTextAsync("form[data-part=limits] .source"), StringComparison.Ordinal);
        Assert.Equal("1000", await page.InputValueAsync("form[data-part=limits] input[name=tpm]"));
        Assert.Equal(0, await page.Locator("form[data-part=limits] button[type=submit]").CountAsync());
        await browser.ScreenshotAsync("consumer-configured");
        Assert.Empty(browser.Errors);
    }
}
