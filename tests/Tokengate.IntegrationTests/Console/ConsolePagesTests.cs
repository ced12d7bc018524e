using System.Net;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Console;

/// <summary>Every console page, signed in as an operator after a little traffic: it renders, with no console error or CSP violation, and is screenshotted.</summary>
public sealed class ConsolePagesTests
{
    private static readonly (string Route, string Heading, string Shot)[] Pages =
    [
        ("overview", "Overview", "overview"),
        ("consumers", "Consumers", "consumers"),
        ("consumers/app", "Consumer app", "consumer"),
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

        await using var browser = await ConsoleBrowser.OpenAsync(h.Endpoint);
        await browser.Page.GotoAsync(new Uri(h.Endpoint, "console").ToString());
        await browser.Page.WaitForSelectorAsync("#key");
        await browser.ScreenshotAsync("signin");
        await browser.SignInWithKeyAsync(ConsoleHarness.OperatorKey);
        foreach (var (route, heading, shot) in Pages)
        {
            await browser.GoAsync(route, heading);
            await browser.Page.WaitForFunctionAsync("() => !document.querySelector('main .loading')");
            await browser.ScreenshotAsync(shot);
        }
        Assert.Empty(browser.Errors);
    }
}
