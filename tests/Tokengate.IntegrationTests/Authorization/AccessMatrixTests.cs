using System.Net;
using System.Net.Http.Headers;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Authorization;

/// <summary>
/// Every role and scope, allowed and denied, through the HTTP API, for gateway keys and for JWTs (valid and
/// broken in each way that matters): one row per case.
/// </summary>
public sealed class AccessMatrixTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private static readonly Dictionary<string, object> AppClaims = new() { ["azp"] = "app-client-id", ["groups"] = new[] { "grp-other", "grp-checkout" } };

    public static TheoryData<string, string, string, int> Cases => new()
    {
        // credential, method + path, deployment / body shape, expected status
        { "key:key-app", "chat", "gpt-4o", 200 },
        { "key:key-app", "chat", "chat-v1:gpt-4o", 200 },
        { "key:key-app", "chat", "gpt-4o-mini", 403 },
        { "key:key-app", "embeddings", "gpt-4o", 403 },
        { "key:key-solo", "chat", "gpt-4o", 403 },
        { "key:key-reader", "chat", "gpt-4o", 403 },
        { "key:key-ops", "chat", "mini", 200 },
        { "key:key-ops", "embeddings", "gpt-4o", 403 },
        { "key:wrong", "chat", "gpt-4o", 401 },
        { "jwt:app", "chat", "gpt-4o", 200 },
        { "jwt:app", "chat", "chat-v1:gpt-4o", 200 },
        { "jwt:app", "chat", "openai-v1:gpt-4o", 200 },
        { "jwt:app", "chat", "gpt-4o-mini", 403 },
        { "jwt:app", "embeddings", "gpt-4o", 403 },
        { "jwt:stranger", "chat", "gpt-4o", 403 },
        { "jwt:reader", "chat", "gpt-4o", 403 },
        { "jwt:expired", "chat", "gpt-4o", 401 },
        { "jwt:not-yet-valid", "chat", "gpt-4o", 401 },
        { "jwt:wrong-audience", "chat", "gpt-4o", 401 },
        { "jwt:wrong-issuer", "chat", "gpt-4o", 401 },
        { "jwt:wrong-signature", "chat", "gpt-4o", 401 },
        { "jwt:unknown-key", "chat", "gpt-4o", 401 },
        { "jwt:alg-none", "chat", "gpt-4o", 401 },
        { "jwt:garbage", "chat", "gpt-4o", 401 },
        { "jwt:garbage", "chat", "openai-v1:gpt-4o", 401 },
        { "key:key-reader", "admin", "pools", 200 },
        { "key:key-app", "admin", "pools", 403 },
        { "key:key-reader", "admin", "audit", 403 },
        { "key:key-ops", "admin", "audit", 200 },
        { "jwt:reader", "admin", "pools", 200 },
        { "jwt:reader", "admin", "audit", 403 },
        { "jwt:operator", "admin", "audit", 200 },
        { "jwt:app", "admin", "pools", 403 },
        { "jwt:expired", "admin", "pools", 401 },
        { "jwt:wrong-audience", "admin", "pools", 401 },
        { "jwt:wrong-signature", "admin", "pools", 401 },
        { "jwt:alg-none", "admin", "pools", 401 },
        { "none", "admin", "pools", 401 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_ByCredential_AllowedOrDenied(string credential, string kind, string target, int expected)
    {
        using var request = Build(kind, target);
        Authenticate(request, credential);
        using var response = await fixture.Client.SendAsync(request);
        if (expected == 200)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{credential} {kind} {target}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return;
        }
        var code = expected switch { 401 => "401", _ => "PermissionDenied" };
        await AzureErrorAssert.IsErrorAsync(response, (HttpStatusCode)expected, code);
    }

    [Fact]
    public async Task Chat_OutOfScope_NamesConsumerDeploymentAndOperation()
    {
        using var request = GatewayRequests.Chat("gpt-4o-mini", "key-app");
        using var response = await fixture.Client.SendAsync(request);
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "PermissionDenied");
        Assert.Equal("The consumer 'app' may not call deployment 'gpt-4o-mini' (operation chat).", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Chat_WithoutConsumerRole_NamesTheRole()
    {
        using var request = GatewayRequests.Chat("gpt-4o", "key-reader");
        using var response = await fixture.Client.SendAsync(request);
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "PermissionDenied");
        Assert.Contains("'consumer'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Build(string kind, string target)
    {
        if (kind == "admin") return new HttpRequestMessage(HttpMethod.Get, $"admin/{target}");
        var (family, deployment) = target.Split(':') is [var f, var d] ? (f, d) : ("classic", target);
        return (kind, family) switch
        {
            ("chat", "classic") => GatewayRequests.Chat(deployment, null),
            ("chat", "chat-v1") => GatewayRequests.Post("openai/v1/chat/completions", null, ChatBody(deployment)),
            ("chat", "openai-v1") => GatewayRequests.Post("v1/chat/completions", null, ChatBody(deployment)),
            _ => GatewayRequests.Post($"openai/deployments/{deployment}/embeddings?api-version={GatewayRequests.ApiVersion}", null, """{"input":"hello"}"""),
        };
    }

    private static string ChatBody(string model) => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hello"}],"max_tokens":8}""";

    private void Authenticate(HttpRequestMessage request, string credential)
    {
        var (type, name) = credential.Split(':') is [var t, var n] ? (t, n) : (credential, "");
        if (type == "key") request.Headers.Add("api-key", name);
        else if (type == "jwt") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(name));
    }

    private string Token(string name)
    {
        var issuer = fixture.Issuer;
        return name switch
        {
            "app" => issuer.Token(AppClaims),
            "stranger" => issuer.Token(new Dictionary<string, object> { ["azp"] = "stranger-client-id" }),
            "reader" => issuer.Token(new Dictionary<string, object> { ["azp"] = "app-client-id", ["roles"] = new[] { "Tokengate.Reader" } }),
            "operator" => issuer.Token(new Dictionary<string, object> { ["azp"] = "ops-client-id", ["roles"] = new[] { "Tokengate.Operator" } }),
            "expired" => issuer.Token(AppClaims, notBeforeOffset: TimeSpan.FromHours(-2)),
            "not-yet-valid" => issuer.Token(AppClaims, notBeforeOffset: TimeSpan.FromMinutes(10)),
            "wrong-audience" => issuer.Token(AppClaims, audience: "api://someone-else"),
            "wrong-issuer" => issuer.Token(AppClaims, issuer: "https://login.example.invalid/other"),
            "wrong-signature" => issuer.Token(AppClaims, signingKey: issuer.ImpostorKey()),
            "unknown-key" => issuer.Token(AppClaims, signingKey: new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "rogue" }),
            "alg-none" => issuer.UnsignedToken(AppClaims),
            _ => "eyJhbGciOiJSUzI1NiJ9.not-base64-json.c2lnbmF0dXJl",
        };
    }
}
