using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tokengate.IntegrationTests.Authorization;

/// <summary>
/// A tiny OpenID Connect issuer on loopback: a discovery document, a key set with its current RSA key, and RS256
/// tokens signed with it. <see cref="Rotate"/> replaces the key (new kid), as an issuer does when it rotates.
/// It also signs a fixed test user in with the authorization-code flow: <c>/authorize</c> consents at once and
/// redirects back with a code; <c>/token</c> accepts each code once, only with the same redirect URI and client and
/// a PKCE verifier whose S256 hash is the challenge <c>/authorize</c> was given, and answers an id token (audience:
/// the client id, with the nonce) and an access token.
/// </summary>
internal sealed class TestIssuer : IAsyncDisposable
{
    public const string Audience = "api://tokengate";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private volatile RsaSecurityKey _key = NewKey("key-1");
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);

    private sealed record PendingCode(string ClientId, string RedirectUri, string? Nonce, string Challenge);

    /// <summary>The test user's name claim (<c>preferred_username</c>) and app roles, for sign-ins through <c>/authorize</c>.</summary>
    public string UserName { get; set; } = "ops@example.com";

    public IReadOnlyList<string> UserRoles { get; set; } = ["Tokengate.Operator"];

    /// <summary>Codes redeemed with a verifier that matched their challenge, and token requests refused.</summary>
    public int VerifiedExchanges;

    public int RefusedExchanges;

    private TestIssuer(WebApplication app, string issuer, TimeProvider time)
    {
        _app = app;
        Issuer = issuer;
        _time = time;
    }

    public string Issuer { get; }

    /// <summary>How many times the key set was read.</summary>
    public int KeySetReads;

    public static async Task<TestIssuer> StartAsync(TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        TestIssuer? issuer = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer!.Issuer,
            ["jwks_uri"] = issuer.Issuer + "/keys",
            ["authorization_endpoint"] = issuer.Issuer + "/authorize",
            ["token_endpoint"] = issuer.Issuer + "/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/keys", () =>
        {
            Interlocked.Increment(ref issuer!.KeySetReads);
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(issuer._key.Rsa.ExportParameters(false)) { KeyId = issuer._key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        });
        app.MapGet("/authorize", (HttpContext context) =>
        {
            var q = context.Request.Query;
            if (q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"])
                || string.IsNullOrEmpty(q["client_id"]) || string.IsNullOrEmpty(q["redirect_uri"]) || !q["scope"].ToString().Split(' ').Contains("openid"))
                return Results.BadRequest();
            var code = Guid.NewGuid().ToString("N");
            issuer!._codes[code] = new PendingCode(q["client_id"]!, q["redirect_uri"]!, q["nonce"], q["code_challenge"]!);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        app.MapPost("/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var pending = form["grant_type"] == "authorization_code" && issuer!._codes.TryRemove(form["code"].ToString(), out var p) ? p : null;
            var verifier = form["code_verifier"].ToString();
            if (pending is null || pending.ClientId != form["client_id"] || pending.RedirectUri != form["redirect_uri"]
                || string.IsNullOrEmpty(verifier) || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != pending.Challenge)
            {
                Interlocked.Increment(ref issuer!.RefusedExchanges);
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            Interlocked.Increment(ref issuer!.VerifiedExchanges);
            var claims = new Dictionary<string, object> { ["sub"] = "user-1", ["preferred_username"] = issuer.UserName, ["roles"] = issuer.UserRoles.ToArray() };
            if (pending.Nonce is not null) claims["nonce"] = pending.Nonce;
            return Results.Json(new
            {
                token_type = "Bearer",
                expires_in = 3600,
                id_token = issuer.Token(claims, audience: pending.ClientId),
                access_token = issuer.Token(new Dictionary<string, object> { ["sub"] = "user-1" }),
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        issuer = new TestIssuer(app, address.TrimEnd('/'), time);
        return issuer;
    }

    /// <summary>Gateway configuration entries that trust this issuer.</summary>
    public IEnumerable<KeyValuePair<string, string?>> GatewayConfiguration()
    {
        yield return new("Tokengate:Identity:Oidc:Authority", Issuer);
        yield return new("Tokengate:Identity:Oidc:Audiences:0", Audience);
        yield return new("Tokengate:Identity:Oidc:RequireHttpsMetadata", "false");
        yield return new("Tokengate:Identity:Oidc:ClockSkew", "00:00:00");
        yield return new("Tokengate:Identity:Oidc:UnknownKeyRefreshInterval", "00:01:00");
    }

    /// <summary>Gateway configuration entries that let console users sign in through this issuer as <paramref name="clientId"/>.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ConsoleConfiguration(string clientId = "tokengate-console")
    {
        yield return new("Tokengate:Console:Oidc:Authority", Issuer);
        yield return new("Tokengate:Console:Oidc:ClientId", clientId);
        yield return new("Tokengate:Console:Oidc:DisplayName", "Test issuer");
        yield return new("Tokengate:Console:Oidc:RequireHttpsMetadata", "false");
        yield return new("Tokengate:Console:Oidc:RoleMap:Tokengate.Operator", "operator");
        yield return new("Tokengate:Console:Oidc:RoleMap:Tokengate.Reader", "reader");
    }

    /// <summary>Replaces the signing key; the key set then publishes only the new one.</summary>
    public void Rotate(string kid) => _key = NewKey(kid);

    /// <summary>An RS256 token from this issuer, valid for an hour from now unless told otherwise.</summary>
    public string Token(
        IDictionary<string, object> claims,
        string? audience = Audience,
        string? issuer = null,
        TimeSpan? notBeforeOffset = null,
        TimeSpan? lifetime = null,
        SecurityKey? signingKey = null)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var notBefore = now + (notBeforeOffset ?? TimeSpan.FromMinutes(-1));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = notBefore + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(signingKey ?? _key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token with <c>alg: none</c> and no signature, carrying valid-looking claims.</summary>
    public string UnsignedToken(IDictionary<string, object> claims)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var payload = new Dictionary<string, object>(claims) { ["iss"] = Issuer, ["aud"] = Audience, ["nbf"] = now - 60, ["exp"] = now + 3600 };
        return Base64Url("""{"alg":"none","typ":"JWT"}""") + "." + Base64Url(System.Text.Json.JsonSerializer.Serialize(payload)) + ".";
    }

    /// <summary>A key that is not the issuer's but has the same key id.</summary>
    public SecurityKey ImpostorKey() => NewKey(_key.KeyId);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    private static string Base64Url(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));
}
