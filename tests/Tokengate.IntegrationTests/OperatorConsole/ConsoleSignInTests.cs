using System.Net;
using System.Net.Http.Json;
using System.Text;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.OperatorConsole;
using Tokengate.Simulator;
using Tokengate.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>Console sessions opened with a key, on a real gateway: the cookie, the admin API through it, CSRF, session end.</summary>
public sealed class ConsoleSignInTests : IAsyncLifetime
{
    private SimulatorServer _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:dev:KeyHashes:0"] = KeyHash.Format("key-dev"),
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format("key-reader"),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Consumers:op:KeyHashes:0"] = KeyHash.Format("key-operator"),
            ["Tokengate:Consumers:op:Roles:0"] = "operator",
            ["Tokengate:Consumers:boss:KeyHashes:0"] = KeyHash.Format("key-admin"),
            ["Tokengate:Consumers:boss:Roles:0"] = "admin",
            ["Tokengate:AuthFailures:Limit"] = "3",
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        _gateway = await TestGateway.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_OperatorKey_SetsStrictHttpOnlyCookieAndAdminApiTakesItAlone()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        var response = await browser.SignInAsync("key-operator");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("tokengate-console=", StringComparison.Ordinal));
        var flags = setCookie.Split(';').Select(p => p.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", flags);
        Assert.Contains("samesite=strict", flags);
        Assert.Contains("path=/", flags);
        Assert.DoesNotContain("secure", flags);  // plain HTTP here; HTTPS requests get Secure
        var body = await ConsoleSessionClient.ReadAsync(response);
        Assert.Equal("op", body.GetProperty("name").GetString());
        Assert.Equal(["operator"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal("key", body.GetProperty("authMethod").GetString());
        Assert.Equal(43, browser.Csrf!.Length);
        Assert.True(body.GetProperty("expires").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(7));

        var whoami = await browser.GetAsync("admin/whoami");
        Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
        Assert.Equal("op", (await ConsoleSessionClient.ReadAsync(whoami)).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("admin/config")).StatusCode);

        var session = await browser.GetAsync("console/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        // Both answers hold the CSRF token: no cache may keep them.
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.True(session.Headers.CacheControl?.NoStore);
        Assert.Equal(browser.Csrf, (await ConsoleSessionClient.ReadAsync(session)).GetProperty("csrfToken").GetString());

    }

    [Fact]
    public async Task SessionCookie_KeysInDatabaseWrapped_AnotherInstanceReadsIt()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync("key-operator")).StatusCode);

        // The ring is in the database, each key wrapped by the gateway's envelope encryption.
        var database = _gateway.Services.GetRequiredService<IDatabase>();
        var ring = new ConsoleKeyRing(database, TimeProvider.System).GetAllElements();
        Assert.NotEmpty(ring);
        Assert.All(ring, key =>
        {
            Assert.Contains(ConsoleKeyRingEncryptor.ElementName, key.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", key.ToString(), StringComparison.Ordinal);
        });

        // What another instance (or this one after a restart) does: read the ring from the database, unwrap it, and
        // open the cookie this instance issued.
        var services = new ServiceCollection();
        services.AddSingleton(_gateway.Services.GetRequiredService<Tokengate.Encryption.IEnvelopeEncryption>());
        services.AddDataProtection().SetApplicationName("Tokengate");
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new ConsoleKeyRing(database, TimeProvider.System);
            o.AutoGenerateKeys = false;
        });
        await using var other = services.BuildServiceProvider();
        var protector = other.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", ConsoleSignIn.SchemeName, "v2");
        var ticket = new TicketDataFormat(protector).Unprotect(browser.Cookie("tokengate-console"));
        Assert.Equal("op", ticket?.Principal.Identity?.Name);
    }

    [Fact]
    public async Task SignIn_WrongKey_Is401AndCountsTowardTheThrottle()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        for (var i = 0; i < 3; i++) await AzureErrorAssert.IsErrorAsync(await browser.SignInAsync("not-a-key"), HttpStatusCode.Unauthorized, "401");

        // The address used up its failures: even the right key is refused until the window ends.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.SignInAsync("key-operator")).StatusCode);
        Assert.Null(browser.Cookie("tokengate-console"));
    }

    [Fact]
    public async Task SignIn_KeyWithoutReaderRole_Is403()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        await AzureErrorAssert.IsErrorAsync(await browser.SignInAsync("key-dev"), HttpStatusCode.Forbidden, "PermissionDenied");
        Assert.Null(browser.Cookie("tokengate-console"));
        await AzureErrorAssert.IsErrorAsync(await browser.GetAsync("console/session"), HttpStatusCode.Unauthorized, "401");
    }

    [Fact]
    public async Task ReaderSession_GetAllowedChangeForbiddenByRole()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync("key-reader")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("admin/pools")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("metrics")).StatusCode);
        await AzureErrorAssert.IsErrorAsync(await browser.SendAsync(HttpMethod.Post, "admin/consumers", new { name = "x" }), HttpStatusCode.Forbidden, "PermissionDenied");
        // The session is for the operator endpoints only: the model routes still want a key or a token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(HttpMethod.Post, "openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            new { messages = new[] { new { role = "user", content = "hi" } } })).StatusCode);
    }

    [Fact]
    public async Task OperatorSession_Change_NeedsCsrfHeaderAndOwnOrigin()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync("key-operator")).StatusCode);
        var own = _gateway.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);

        await AzureErrorAssert.IsErrorAsync(await browser.SendAsync(HttpMethod.Post, "admin/consumers", new { name = "a1" }, csrf: false), HttpStatusCode.Forbidden, "csrf_failed");
        await AzureErrorAssert.IsErrorAsync(
            await browser.SendAsync(HttpMethod.Post, "admin/consumers", new { name = "a2" }, origin: "https://evil.example"), HttpStatusCode.Forbidden, "csrf_failed");
        var wrong = new HttpRequestMessage(HttpMethod.Post, "admin/consumers") { Content = JsonContent.Create(new { name = "a3" }) };
        wrong.Headers.Add("x-tokengate-csrf", new string('A', 43));
        await AzureErrorAssert.IsErrorAsync(await browser.Client.SendAsync(wrong), HttpStatusCode.Forbidden, "csrf_failed");

        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(HttpMethod.Post, "admin/consumers", new { name = "a4" }, origin: own)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(HttpMethod.Post, "admin/consumers", new { name = "a5" })).StatusCode);

        // A key in a header is not a cookie session: no CSRF token needed, even with the cookie also present.
        var withKey = new HttpRequestMessage(HttpMethod.Post, "admin/consumers") { Content = JsonContent.Create(new { name = "a6" }) };
        withKey.Headers.Add("api-key", "key-operator");
        Assert.Equal(HttpStatusCode.Created, (await browser.Client.SendAsync(withKey)).StatusCode);

    }

    [Fact]
    public async Task OperatorSession_CrossSiteFormPost_IsRefused()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync("key-operator")).StatusCode);

        // What a form on another site can send: the cookie (if the browser sent it at all), a form body, no custom header.
        var form = new HttpRequestMessage(HttpMethod.Post, "admin/consumers") { Content = new FormUrlEncodedContent([new("name", "evil")]) };
        await AzureErrorAssert.IsErrorAsync(await browser.Client.SendAsync(form), HttpStatusCode.Forbidden, "csrf_failed");
        var list = await browser.GetAsync("admin/consumers");
        Assert.DoesNotContain("evil", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_KeyRevoked_EndsAtNextCall()
    {
        var key = await CreateStoredOperatorAsync("ops-revoked");
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync(key.Key)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("admin/pools")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.SendAsync(Keyed(HttpMethod.Post, $"admin/keys/{key.Id}/revoke", "key-admin"))).StatusCode);

        await AzureErrorAssert.IsErrorAsync(await browser.GetAsync("admin/pools"), HttpStatusCode.Unauthorized, "401");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("console/session")).StatusCode);
    }

    [Fact]
    public async Task Session_ConsumerDisabled_EndsAtNextCall()
    {
        var key = await CreateStoredOperatorAsync("ops-disabled");
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync(key.Key)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("console/session")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.SendAsync(Keyed(HttpMethod.Delete, "admin/consumers/ops-disabled", "key-admin"))).StatusCode);

        await AzureErrorAssert.IsErrorAsync(await browser.GetAsync("admin/whoami"), HttpStatusCode.Unauthorized, "401");
    }

    [Fact]
    public async Task SignOut_WithCsrf_EndsSessionEvenForACopiedCookie()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync("key-reader")).StatusCode);
        var copied = browser.Cookie("tokengate-console");

        await AzureErrorAssert.IsErrorAsync(await browser.SendAsync(HttpMethod.Delete, "console/session", csrf: false), HttpStatusCode.Forbidden, "csrf_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Delete, "console/session")).StatusCode);

        Assert.Null(browser.Cookie("tokengate-console"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("console/session")).StatusCode);
        var replay = new HttpRequestMessage(HttpMethod.Get, "admin/pools");
        replay.Headers.Add("Cookie", "tokengate-console=" + copied);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.Client.SendAsync(replay)).StatusCode);
    }

    [Fact]
    public async Task Elevation_RequestedAndApprovedThroughSessions_ChangesEffectiveRole()
    {
        using var reader = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        using var admin = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await reader.SignInAsync("key-reader")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.SignInAsync("key-admin")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("admin/audit")).StatusCode);

        var requested = await reader.SendAsync(HttpMethod.Post, "admin/elevations", new { role = "operator", reason = "incident 7", duration = "01:00:00" });
        Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
        var id = (await ConsoleSessionClient.ReadAsync(requested)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.SendAsync(HttpMethod.Post, $"admin/elevations/{id}/approve", csrf: false)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Post, $"admin/elevations/{id}/approve")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("admin/audit")).StatusCode);
        var session = await ConsoleSessionClient.ReadAsync(await reader.GetAsync("console/session"));
        Assert.Contains("operator", session.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        // The same roles as the key itself sees.
        var keyed = await ConsoleSessionClient.ReadAsync(await _gateway.Client.SendAsync(Keyed(HttpMethod.Get, "admin/whoami", "key-reader")));
        var cookie = await ConsoleSessionClient.ReadAsync(await reader.GetAsync("admin/whoami"));
        Assert.Equal(keyed.GetProperty("roles").ToString(), cookie.GetProperty("roles").ToString());
    }

    [Fact]
    public async Task ConsoleResponses_CarrySecurityHeaders()
    {
        foreach (var path in new[] { "console/session/providers", "console", "dashboard" })
        {
            var response = await _gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(ConsoleSecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        }
        var providers = await ConsoleSessionClient.ReadAsync(await _gateway.Client.GetAsync("console/session/providers"));
        Assert.True(providers.GetProperty("key").GetBoolean());
        Assert.False(providers.GetProperty("oidc").GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await _gateway.Client.GetAsync("console/signin/oidc")).StatusCode);
    }

    [Fact]
    public async Task SignIn_FromAnotherOrigin_IsRefused()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "console/session")
        {
            Content = new StringContent("""{"key":"key-operator"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", "https://evil.example");
        await AzureErrorAssert.IsErrorAsync(await _gateway.Client.SendAsync(request), HttpStatusCode.Forbidden, "csrf_failed");
    }

    [Fact]
    public async Task SignIn_NotJson_Is415AndNoCookie()
    {
        // What a cross-site form can send: never JSON, so it never reaches the key check.
        var request = new HttpRequestMessage(HttpMethod.Post, "console/session")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "key-operator" }),
        };
        using var response = await _gateway.Client.SendAsync(request);
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task IssuedKey_AnswerIsNotStored()
    {
        var create = Keyed(HttpMethod.Post, "admin/consumers", "key-admin");
        create.Content = JsonContent.Create(new { name = "no-store-check" });
        Assert.Equal(HttpStatusCode.Created, (await _gateway.Client.SendAsync(create)).StatusCode);
        using var issued = await _gateway.Client.SendAsync(Keyed(HttpMethod.Post, "admin/consumers/no-store-check/keys", "key-admin"));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.True(issued.Headers.CacheControl?.NoStore);
    }

    private async Task<(string Id, string Key)> CreateStoredOperatorAsync(string name)
    {
        var create = Keyed(HttpMethod.Post, "admin/consumers", "key-admin");
        create.Content = JsonContent.Create(new { name, roles = new[] { "operator" } });
        Assert.Equal(HttpStatusCode.Created, (await _gateway.Client.SendAsync(create)).StatusCode);
        var issue = Keyed(HttpMethod.Post, $"admin/consumers/{name}/keys", "key-admin");
        var issued = await _gateway.Client.SendAsync(issue);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await ConsoleSessionClient.ReadAsync(issued);
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    private static HttpRequestMessage Keyed(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("api-key", key);
        return request;
    }
}
