using System.Net;
using System.Net.Http.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>Every console page, signed in as an operator after a little traffic: it renders, with no console error or CSP violation, and is screenshotted.</summary>
public sealed class ConsolePagesTests
{
    private static readonly (string Route, string Heading, string Shot)[] Pages =
    [
        ("overview", "Overview", "overview"),
        ("consumers", "Consumers", "consumers"),
        ("consumers/app", "Consumer app", "consumer"),
        ("consumers/alice", "Consumer alice", "consumer-database"),
        ("groups", "Groups", "groups"),
        ("groups/team", "Group team", "group"),
        ("budgets", "Budgets", "budgets"),
        ("pools", "Pools & backends", "pools"),
        ("usage", "Usage", "usage"),
        ("advice", "Advice", "advice"),
        ("audit", "Audit log", "audit"),
        ("requests", "Request log", "requests"),
        ("access", "Access", "access"),
    ];

    [Fact]
    public async Task EveryPage_AsOperator_RendersWithoutErrorsOrCspViolations()
    {
        await using var h = await ConsoleHarness.StartAsync(new()
        {
            ["Tokengate:Budgets:Consumers:app:0:Period"] = "Daily",
            ["Tokengate:Budgets:Consumers:app:0:Amount"] = "1",
        });
        for (var i = 0; i < 4; i++)
        {
            using var response = await h.Client.SendAsync(GatewayRequests.Chat(ConsoleHarness.Deployment, ConsoleHarness.AppKey, body: """{"messages":[{"role":"user","content":"hello"}],"max_tokens":20}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await h.LedgerAsync(4);
        // Something for the audit log and the keys table: a consumer created and given a key through the API.
        using (var create = new HttpRequestMessage(HttpMethod.Post, "/admin/consumers") { Content = JsonContent.Create(new { name = "alice", group = "team", roles = new[] { "consumer" } }) })
        {
            create.Headers.Add("api-key", ConsoleHarness.OperatorKey);
            using var created = await h.Client.SendAsync(create);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var key = new HttpRequestMessage(HttpMethod.Post, "/admin/consumers/alice/keys") { Content = JsonContent.Create(new { expires = "30d" }) })
        {
            key.Headers.Add("api-key", ConsoleHarness.OperatorKey);
            using var issued = await h.Client.SendAsync(key);
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        }

        await using var browser = await ConsoleBrowser.OpenAsync(h.Endpoint);
        await browser.Page.GotoAsync(new Uri(h.Endpoint, "console").ToString());
        await browser.Page.WaitForSelectorAsync("#key");
        await browser.ScreenshotAsync("signin");
        await browser.SignInWithKeyAsync(ConsoleHarness.OperatorKey);
        foreach (var (route, heading, shot) in Pages)
        {
            await browser.GoAsync(route, heading);
            await browser.Page.WaitForFunctionAsync("() => !document.querySelector('main .loading')");
            if (route == "pools")
            {
                await browser.Page.ClickAsync("details summary");
                await browser.Page.WaitForSelectorAsync("#config-pools");
                Assert.DoesNotContain(TestBackends.BackendKey, await browser.Page.InnerTextAsync("#config-pools"), StringComparison.Ordinal);
            }
            await browser.ScreenshotAsync(shot);
        }
        // Usable at 1024 wide: nothing wider than the window but the tables' own scroll areas.
        await browser.Page.SetViewportSizeAsync(1024, 720);
        foreach (var (route, heading, _) in Pages)
        {
            await browser.GoAsync(route, heading);
            Assert.True(await browser.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{route} scrolls sideways at 1024 wide");
        }
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task SignIn_RefusesAWrongKey_NavigatesByKeyboard_AndSignsOut()
    {
        await using var h = await ConsoleHarness.StartAsync();
        await using var browser = await ConsoleBrowser.OpenAsync(h.Endpoint);
        var page = browser.Page;
        await page.GotoAsync(new Uri(h.Endpoint, "console").ToString());
        await page.FillAsync("#key", "not-a-key");
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.WaitForSelectorAsync("#signin-error[role=alert]:has-text(\"refused\")");
        await page.FillAsync("#key", ConsoleHarness.AppKey); // a consumer without a management role
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.WaitForSelectorAsync("#signin-error:has-text(\"no reader role\")");

        await browser.SignInWithKeyAsync(ConsoleHarness.OperatorKey);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.length ? 'stored' : localStorage.length ? 'stored' : null"));
        Assert.DoesNotContain(ConsoleHarness.OperatorKey, await page.ContentAsync(), StringComparison.Ordinal);
        // The navigation is links: focus one, press Enter, and the new page's heading has the focus.
        await page.FocusAsync("nav.side a[href=\"#/budgets\"]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.id === 'page-title' && document.activeElement.textContent === 'Budgets'");
        Assert.Equal("page", await page.GetAttributeAsync("nav.side a[href=\"#/budgets\"]", "aria-current"));

        await page.ClickAsync("#signout");
        await page.WaitForSelectorAsync("#signin-form");
        Assert.Equal(401, await page.EvaluateAsync<int>("async () => (await fetch('/console/session')).status"));
        Assert.Empty(browser.Errors);
    }
}
