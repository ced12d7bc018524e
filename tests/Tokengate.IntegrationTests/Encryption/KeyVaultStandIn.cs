using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Buffers.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Tokengate.IntegrationTests.Encryption;

/// <summary>
/// A loopback stand-in for the Key Vault keys REST API: <c>POST /keys/{name}/{version}/wrapkey</c> and
/// <c>/unwrapkey</c> with <c>RSA-OAEP-256</c>, one RSA key per version held in memory. It answers 401 without a bearer
/// token and records the tokens it was sent.
/// </summary>
internal sealed class KeyVaultStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RSA> _keys = new();

    private KeyVaultStandIn(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<string> Tokens { get; } = new();

    public ConcurrentQueue<string> Operations { get; } = new();

    public Uri Key(string name, string version) => new(Endpoint, $"keys/{name}/{version}");

    public static async Task<KeyVaultStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        KeyVaultStandIn? vault = null;
        app.MapPost("/keys/{name}/{version}/{operation}", async (HttpContext context, string name, string version, string operation) =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
                return Results.Json(new { error = new { code = "Unauthorized" } }, statusCode: 401);
            vault!.Tokens.Enqueue(authorization["Bearer ".Length..]);
            if (context.Request.Query["api-version"] != "7.4") return Results.Json(new { error = new { code = "BadParameter" } }, statusCode: 400);
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            if (body.RootElement.GetProperty("alg").GetString() != "RSA-OAEP-256") return Results.Json(new { error = new { code = "BadParameter" } }, statusCode: 400);
            var value = Base64Url.DecodeFromChars(body.RootElement.GetProperty("value").GetString());
            var rsa = vault._keys.GetOrAdd($"{name}/{version}", _ => RSA.Create(2048));
            vault.Operations.Enqueue($"{operation} {name}/{version}");
            try
            {
                var result = operation switch
                {
                    "wrapkey" => rsa.Encrypt(value, RSAEncryptionPadding.OaepSHA256),
                    "unwrapkey" => rsa.Decrypt(value, RSAEncryptionPadding.OaepSHA256),
                    _ => null,
                };
                return result is null
                    ? Results.NotFound()
                    : Results.Json(new { kid = vault.Key(name, version).AbsoluteUri, value = Base64Url.EncodeToString(result) });
            }
            catch (CryptographicException)
            {
                return Results.Json(new { error = new { code = "BadParameter" } }, statusCode: 400);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        vault = new KeyVaultStandIn(app, new Uri(address.TrimEnd('/') + "/"));
        return vault;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var rsa in _keys.Values) rsa.Dispose();
    }
}
