using System.Net;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Authorization;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>Console single sign-on against a test identity provider on loopback: code flow with PKCE, state, nonce.</summary>
public sealed class ConsoleOidcSignInTests : IAsyncLifetime
{
    private SimulatorServer _backend = null!;
    private TestIssuer _issuer = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        _issuer = await TestIssuer.StartAsync(TimeProvider.System);
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:boss:KeyHashes:0"] = KeyHash.Format("key-admin"),
            ["Tokengate:Consumers:boss:Roles:0"] = "admin",
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        foreach (var (k, v) in _issuer.ConsoleConfiguration()) config[k] = v;
        _gateway = await TestGateway.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _issuer.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_CodeFlowWithPkce_OpensOidcSession()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        var providers = await ConsoleSessionClient.ReadAsync(await browser.GetAsync("console/session/providers"));
        Assert.True(providers.GetProperty("oidc").GetProperty("enabled").GetBoolean());
        Assert.Equal("Test issuer", providers.GetProperty("oidc").GetProperty("name").GetString());

        var start = await browser.GetAsync("console/signin/oidc?returnUrl=/console/keys");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(_issuer.Issuer + "/authorize?", authorize.ToString(), StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);
        Assert.Contains("nonce=", authorize.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("code_verifier", authorize.Query, StringComparison.Ordinal);

        var callback = await FollowToCallbackAsync(browser, authorize);
        var done = await browser.Client.GetAsync(callback);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/console/keys", done.Headers.Location!.OriginalString);
        Assert.Equal(1, _issuer.VerifiedExchanges);
        Assert.Equal(0, _issuer.RefusedExchanges);

        var session = await browser.GetAsync("console/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var body = await ConsoleSessionClient.ReadAsync(session);
        Assert.Equal("ops@example.com", body.GetProperty("name").GetString());
        Assert.Equal("oidc", body.GetProperty("authMethod").GetString());
        Assert.Equal(["operator"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        browser.Csrf = body.GetProperty("csrfToken").GetString();

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("admin/config")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(HttpMethod.Post, "admin/consumers", new { name = "from-sso" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(HttpMethod.Post, "admin/consumers", new { name = "no-token" }, csrf: false)).StatusCode);
    }

    [Fact]
    public async Task Callback_WrongState_Is400AndRedeemsNothing()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        var start = await browser.GetAsync("console/signin/oidc");
        var callback = await FollowToCallbackAsync(browser, start.Headers.Location!);
        var tampered = System.Text.RegularExpressions.Regex.Replace(callback.ToString(), "state=[^&]+", "state=forged");

        await AzureErrorAssert.IsErrorAsync(await browser.Client.GetAsync(tampered), HttpStatusCode.BadRequest, "signin_failed");
        Assert.Equal(0, _issuer.VerifiedExchanges + _issuer.RefusedExchanges);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("console/session")).StatusCode);
    }

    [Fact]
    public async Task Callback_Replayed_IsRefused()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        var start = await browser.GetAsync("console/signin/oidc");
        var callback = await FollowToCallbackAsync(browser, start.Headers.Location!);
        var stateCookie = browser.Cookie("tokengate-console-oidc");
        Assert.NotNull(stateCookie);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync(callback)).StatusCode);

        // The browser's own state cookie is gone...
        Assert.Null(browser.Cookie("tokengate-console-oidc"));
        await AzureErrorAssert.IsErrorAsync(await browser.Client.GetAsync(callback), HttpStatusCode.BadRequest, "signin_failed");
        // ...and a captured copy of the callback and its cookie is refused before the provider is asked again.
        using var attacker = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        var replay = new HttpRequestMessage(HttpMethod.Get, callback);
        replay.Headers.Add("Cookie", "tokengate-console-oidc=" + stateCookie);
        var refused = await attacker.SendAsync(replay);
        await AzureErrorAssert.IsErrorAsync(refused, HttpStatusCode.BadRequest, "signin_failed");
        Assert.DoesNotContain(refused.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith("tokengate-console=", StringComparison.Ordinal));
        Assert.Equal(1, _issuer.VerifiedExchanges);
    }

    [Fact]
    public async Task SignIn_UserWithoutReaderRole_Is403()
    {
        _issuer.UserRoles = [];
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        var start = await browser.GetAsync("console/signin/oidc");
        var callback = await FollowToCallbackAsync(browser, start.Headers.Location!);

        await AzureErrorAssert.IsErrorAsync(await browser.Client.GetAsync(callback), HttpStatusCode.Forbidden, "PermissionDenied");
        Assert.Null(browser.Cookie("tokengate-console"));
    }

    // The provider consents at once and sends the browser back to the gateway's callback.
    private static async Task<Uri> FollowToCallbackAsync(ConsoleSessionClient browser, Uri authorize)
    {
        var answer = await browser.Client.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var callback = answer.Headers.Location!;
        Assert.Equal("/console/signin/oidc/callback", callback.AbsolutePath);
        return callback;
    }
}
