using Microsoft.Playwright;

namespace Tokengate.IntegrationTests.Dashboard;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright, on a gateway's dashboard signed in with a key; every console
/// error and page error is collected for the test to assert none happened.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") Errors.Add(m.Text); };
        page.PageError += (_, e) => Errors.Add(e);
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public static async Task<DashboardBrowser> SignInAsync(Uri gateway, string key)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        var signedIn = new DashboardBrowser(playwright, browser, page);
        await page.GotoAsync(new Uri(gateway, "dashboard").ToString());
        await page.FillAsync("#key", key);
        await page.ClickAsync("#login button[type=submit]");
        return signedIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
