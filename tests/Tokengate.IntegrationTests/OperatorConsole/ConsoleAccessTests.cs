namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>The access page: an operator requests an elevation, an admin approves it in their own session, and the operator's effective roles show it.</summary>
public sealed class ConsoleAccessTests
{
    [Fact]
    public async Task Elevation_RequestedByAnOperator_ApprovedByAnAdmin_ShowsInEffectiveRoles()
    {
        await using var h = await ConsoleHarness.StartAsync();
        await using var ops = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.OperatorKey);
        await ops.GoAsync("access", "Access");
        await ops.Page.WaitForSelectorAsync("#whoami-roles:has-text(\"operator\")");
        await ops.Page.SelectOptionAsync("#elevation-form select[name=role]", "admin");
        await ops.Page.FillAsync("#elevation-form input[name=reason]", "incident 42: rotate a backend key");
        await ops.Page.ClickAsync("#elevation-form button[type=submit]");
        var pending = ops.Page.Locator("main tbody tr", new() { HasTextString = "incident 42" });
        await pending.WaitForAsync();
        Assert.Contains("pending", await pending.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await pending.Locator("button:has-text(\"Approve\")").CountAsync()); // not one's own

        await using var root = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.AdminKey);
        await root.GoAsync("access", "Access");
        var row = root.Page.Locator("main tbody tr", new() { HasTextString = "incident 42" });
        await row.Locator("button:has-text(\"Approve\")").ClickAsync();
        await root.Page.Locator("main tbody tr", new() { HasTextString = "active" }).WaitForAsync();
        await root.ScreenshotAsync("access-approved");

        await ops.GoAsync("overview", "Overview");
        await ops.GoAsync("access", "Access");
        await ops.Page.WaitForSelectorAsync("#whoami-roles:has-text(\"admin\")");
        Assert.Empty(ops.Errors);
        Assert.Empty(root.Errors);
    }
}
