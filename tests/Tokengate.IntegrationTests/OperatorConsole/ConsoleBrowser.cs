using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (nothing is downloaded), on a gateway's console at 1366×768.
/// Collects every console error, page error, Content-Security-Policy violation and failed console asset so a test
/// can assert there were none. An API answer of 4xx is not counted: the console shows those in its alert region.
/// </summary>
internal sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, Uri gateway)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
        Page = page;
        Gateway = gateway;
        page.Console += (_, m) =>
        {
            // Chromium logs every non-2xx fetch as "Failed to load resource"; assets are checked through Response below.
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) Errors.Add(m.Text);
        };
        page.PageError += (_, e) => Errors.Add("page error: " + e);
        page.Response += (_, r) =>
        {
            var path = new Uri(r.Url).AbsolutePath;
            if (r.Status >= 400 && path.StartsWith("/console/", StringComparison.Ordinal) && !path.StartsWith("/console/session", StringComparison.Ordinal))
                Errors.Add($"{r.Status} for {path}");
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public Uri Gateway { get; }

    public List<string> Errors { get; } = [];

    public static async Task<ConsoleBrowser> OpenAsync(Uri gateway)
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium package is missing; ./test.sh installs it.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = gateway.GetLeftPart(UriPartial.Authority) });
        // Runs before the page's own scripts (and is not subject to its CSP): every violation becomes a console error.
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
            """);
        var page = await context.NewPageAsync();
        return new ConsoleBrowser(playwright, browser, context, page, gateway);
    }

    /// <summary>Opens the console and signs in with a key through its form.</summary>
    public static async Task<ConsoleBrowser> SignInAsync(Uri gateway, string key)
    {
        var browser = await OpenAsync(gateway);
        await browser.SignInWithKeyAsync(key);
        return browser;
    }

    public async Task SignInWithKeyAsync(string key)
    {
        await Page.GotoAsync(new Uri(Gateway, "console").ToString());
        await Page.FillAsync("#key", key);
        await Page.ClickAsync("#signin-form button[type=submit]");
        try
        {
            await Page.WaitForSelectorAsync("nav.side", new() { Timeout = 15_000 });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Not signed in; page says: {await Page.InnerTextAsync("body")}; errors: {string.Join(" | ", Errors)}", e);
        }
    }

    /// <summary>Goes to a console page by its hash route and waits for its heading.</summary>
    public async Task GoAsync(string route, string heading)
    {
        await Page.EvaluateAsync("r => { location.hash = r; }", "#/" + route);
        await Page.WaitForSelectorAsync($"h1#page-title:has-text(\"{heading}\")");
    }

    /// <summary>A full-page screenshot into artifacts/console-screenshots (the docs copy theirs from there).</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "artifacts", "console-screenshots");
        Directory.CreateDirectory(folder);
        await Page.WaitForTimeoutAsync(150); // let charts finish their first layout
        await Page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>A fetch from the page with its cookie and the session's CSRF token: the status it answered.</summary>
    public async Task<int> FetchStatusAsync(string method, string path, object? body = null)
    {
        return await Page.EvaluateAsync<int>("""
            async ([method, path, body]) => {
              const s = await (await fetch('/console/session', { credentials: 'same-origin' })).json();
              const r = await fetch(path, { method, credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-tokengate-csrf': s.csrfToken }, body: body || undefined });
              return r.status;
            }
            """, new[] { method, path, body is null ? "" : JsonSerializer.Serialize(body) });
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
