using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>Roles in the UI and at the API, CSRF from another origin, hostile names rendered as text, headers and assets.</summary>
public sealed class ConsoleSecurityTests
{
    [Fact]
    public async Task Reader_SeesNoChangeButtons_AndTheApiRefusesItsChangesWith403()
    {
        await using var h = await ConsoleHarness.StartAsync();
        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.ReaderKey);
        var page = browser.Page;
        await browser.GoAsync("consumers", "Consumers");
        await page.WaitForSelectorAsync("main table");
        Assert.Equal(0, await page.Locator("#new-consumer").CountAsync());
        await browser.GoAsync("groups", "Groups");
        Assert.Equal(0, await page.Locator("#new-group").CountAsync());
        await browser.GoAsync("budgets", "Budgets");
        Assert.Equal(0, await page.Locator("#new-budget").CountAsync());
        await browser.GoAsync("pools", "Pools & backends");
        await page.WaitForSelectorAsync("main table");
        Assert.Equal(0, await page.Locator("main button:has-text(\"Drain\")").CountAsync());
        Assert.Equal(0, await page.Locator("main button:has-text(\"Rotate key\")").CountAsync());
        await browser.GoAsync("consumers/app", "Consumer app");
        await page.WaitForSelectorAsync("form.policy-part");
        Assert.Equal(0, await page.Locator("main button[type=submit]").CountAsync());
        Assert.Equal(0, await page.Locator("nav.side a[href=\"#/audit\"]").CountAsync());
        await browser.ScreenshotAsync("reader-consumer");

        // The API refuses a reader even with its cookie and a valid CSRF token.
        Assert.Equal(403, await browser.FetchStatusAsync("POST", "/admin/consumers", new { name = "sneaky", roles = new[] { "consumer" } }));
        Assert.Equal(403, await browser.FetchStatusAsync("PUT", "/admin/budgets/consumer/app/daily", new { amount = 1 }));
        using var list = await h.Client.SendAsync(Get("/admin/consumers"));
        Assert.DoesNotContain("sneaky", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task ChangeFromAnotherOrigin_WithTheOperatorsCookie_IsRefusedAndCreatesNothing()
    {
        await using var h = await ConsoleHarness.StartAsync();
        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.OperatorKey);
        var target = new Uri(h.Endpoint, "admin/consumers").ToString();
        // Another loopback port is another origin (though the same site, so SameSite alone would not stop it).
        await using var attacker = await AttackerPage.StartAsync($$"""
            <!doctype html><title>prize</title>
            <form id="f" method="post" action="{{target}}" enctype="text/plain"><input name='{"name":"evil-form","roles":["consumer"],"x":"' value='"}'></form>
            <script>
              fetch("{{target}}", { method: "POST", credentials: "include", mode: "no-cors", headers: { "content-type": "text/plain" }, body: '{"name":"evil-fetch","roles":["consumer"]}' })
                .finally(() => { document.title = "sent"; document.getElementById("f").submit(); });
            </script>
            """);
        var other = await browser.Context.NewPageAsync();
        var formAnswer = other.WaitForResponseAsync(r => r.Url == target && r.Request.Method == "POST" && r.Request.ResourceType == "document");
        await other.GotoAsync(attacker.Url);
        var answer = await formAnswer;
        Assert.Equal(403, answer.Status);

        using var list = await h.Client.SendAsync(Get("/admin/consumers"));
        var consumers = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil-form", consumers, StringComparison.Ordinal);
        Assert.DoesNotContain("evil-fetch", consumers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileConsumerNames_AreRenderedAsText()
    {
        const string Img = "<img src=x onerror=window.__xss=1>";
        const string Script = "<script>window.__xss=2</script>";
        await using var h = await ConsoleHarness.StartAsync(new()
        {
            [$"Tokengate:Consumers:{Img}:KeyHashes:0"] = KeyHash.Format("key-hostile-1"),
            [$"Tokengate:Consumers:{Script}:KeyHashes:0"] = KeyHash.Format("key-hostile-2"),
        });
        foreach (var key in new[] { "key-hostile-1", "key-hostile-2" })
        {
            using var response = await h.Client.SendAsync(GatewayRequests.Chat(ConsoleHarness.Deployment, key, body: """{"messages":[{"role":"user","content":"hi"}],"max_tokens":8}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await h.LedgerAsync(2);

        await using var browser = await ConsoleBrowser.SignInAsync(h.Endpoint, ConsoleHarness.OperatorKey);
        var page = browser.Page;
        foreach (var (route, heading) in new[] { ("consumers", "Consumers"), ("usage", "Usage"), ("overview", "Overview") })
        {
            await browser.GoAsync(route, heading);
            await page.WaitForFunctionAsync("() => !document.querySelector('main .loading')");
            Assert.Equal(0, await page.Locator("main img").CountAsync());
            Assert.Equal(0, await page.Locator("main script").CountAsync());
        }
        await browser.GoAsync("consumers", "Consumers");
        var text = await page.InnerTextAsync("main table");
        Assert.Contains(Img, text, StringComparison.Ordinal);
        Assert.Contains(Script, text, StringComparison.Ordinal);
        await page.ClickAsync($"main a:text-is(\"{Img}\")");
        await page.WaitForSelectorAsync("h1#page-title:has-text(\"Consumer <img\")");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"));
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task ConsoleAssets_CarryTheStrictPolicy_AndOnlyEmbeddedPathsAreServed()
    {
        await using var h = await ConsoleHarness.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = h.Endpoint };
        using (var index = await client.GetAsync("/console"))
        {
            Assert.Equal(HttpStatusCode.OK, index.StatusCode);
            var csp = index.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'", csp);
            var html = await index.Content.ReadAsStringAsync();
            Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        }
        foreach (var (path, type) in new[] { ("/console/js/app.js", "text/javascript"), ("/console/vendor/preact.mjs", "text/javascript"), ("/console/vendor/chart.umd.min.js", "text/javascript"), ("/console/app.css", "text/css"), ("/console/vendor/htm.LICENSE.txt", "text/plain") })
        {
            using var asset = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType!.MediaType);
        }
        foreach (var path in new[] { "/console/../appsettings.json", "/console/js/../../Tokengate.Core.csproj", "/console/%2e%2e/%2e%2e/etc/passwd", "/console/js/nothing.js", "/console/Tokengate.Core.dll" })
        {
            using var missing = await client.GetAsync(path);
            Assert.True(missing.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path} answered {missing.StatusCode}");
        }
        using var old = await client.GetAsync("/dashboard");
        Assert.True((int)old.StatusCode is 301 or 302 or 307 or 308);
        Assert.Equal("/console", old.Headers.Location!.OriginalString);
    }

    private static HttpRequestMessage Get(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("api-key", ConsoleHarness.OperatorKey);
        return request;
    }

    /// <summary>A page on another loopback port: the origin a cross-site request forgery would come from.</summary>
    private sealed class AttackerPage : IAsyncDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _serving;

        private AttackerPage(HttpListener listener, string html)
        {
            _listener = listener;
            _serving = Task.Run(async () =>
            {
                var body = Encoding.UTF8.GetBytes(html);
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                    try
                    {
                        context.Response.ContentType = "text/html; charset=utf-8";
                        await context.Response.OutputStream.WriteAsync(body);
                        context.Response.Close();
                    }
                    catch (HttpListenerException)
                    {
                        // the browser went away (a favicon request it dropped, the page closed): nothing to serve
                    }
                }
            });
        }

        public string Url { get; private set; } = "";

        public static Task<AttackerPage> StartAsync(string html)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            return Task.FromResult(new AttackerPage(listener, html) { Url = $"http://127.0.0.1:{port}/" });
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _serving;
        }
    }
}
