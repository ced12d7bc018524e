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
/// </summary>
internal sealed class TestIssuer : IAsyncDisposable
{
    public const string Audience = "api://tokengate";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private volatile RsaSecurityKey _key = NewKey("key-1");

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
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/keys", () =>
        {
            Interlocked.Increment(ref issuer!.KeySetReads);
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(issuer._key.Rsa.ExportParameters(false)) { KeyId = issuer._key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
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
