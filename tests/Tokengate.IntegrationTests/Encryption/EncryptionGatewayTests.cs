using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Encryption;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Encryption;

/// <summary>Encryption in the running gateway: the default key on first start, options checked on start, and the rotate endpoint.</summary>
public sealed class EncryptionGatewayTests : IDisposable
{
    private readonly DirectoryInfo _keys = Directory.CreateTempSubdirectory("tokengate-kek-");

    public void Dispose() => _keys.Delete(recursive: true);

    private static Dictionary<string, string?> Consumers() => new()
    {
        ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format("key-app"),
        ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format("key-ops"),
        ["Tokengate:Consumers:ops:Roles:0"] = "operator",
        // Never called: the gateway needs a pool to start.
        ["Tokengate:Pools:chat:Backends:0:Name"] = "b1",
        ["Tokengate:Pools:chat:Backends:0:Endpoint"] = "http://127.0.0.1:9/",
        ["Tokengate:Pools:chat:Backends:0:Auth"] = "None",
    };

    [Fact]
    public async Task Start_NoKeyConfigured_MakesAnOwnerOnlyKeyBesideTheDataFolder()
    {
        await using var gateway = await TestGateway.StartAsync(Consumers());
        var path = Path.Combine(gateway.Data.FullName + "-keys", "kek-1.key");

        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var encryption = gateway.Services.GetRequiredService<IEnvelopeEncryption>();
        await encryption.CreateKeyAsync("file-1", default);
        Assert.Equal([7, 8, 9], await EncryptionFixture.DecryptAsync(encryption, "file-1", await EncryptionFixture.EncryptAsync(encryption, "file-1", [7, 8, 9])));
    }

    [Fact]
    public async Task Start_KeyFileInsideTheDataFolder_Refused()
    {
        var config = Consumers();
        config["Tokengate:Encryption:LocalKeys:kek-1"] = Path.Combine(_keys.FullName, "kek-1.key");
        LocalKeyFile.Create(Path.Combine(_keys.FullName, "kek-1.key"));
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => Tokengate.Hosting.GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(b.Configuration, config);
            b.Configuration["Tokengate:Data:Directory"] = _keys.FullName;
        }));

        Assert.Contains(ex.Failures, f => f.StartsWith("Tokengate:Encryption:LocalKeys:kek-1: the key file", StringComparison.Ordinal) && f.Contains("inside the data folder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RotateEndpoint_Operator_RewrapsAndReportsCounts()
    {
        var kek1 = Path.Combine(_keys.FullName, "kek-1.key");
        var kek2 = Path.Combine(_keys.FullName, "kek-2.key");
        LocalKeyFile.Create(kek1);
        LocalKeyFile.Create(kek2);
        var config = Consumers();
        config["Tokengate:Encryption:LocalKeys:kek-1"] = kek1;
        config["Tokengate:Encryption:LocalKeys:kek-2"] = kek2;
        config["Tokengate:Encryption:CurrentKey"] = "kek-2";
        await using var gateway = await TestGateway.StartAsync(config);

        // Keys made before kek-2 became current: the same database, under the earlier configuration.
        var earlier = new EnvelopeEncryption(new DataKeyTable(gateway.Services.GetRequiredService<Tokengate.Storage.IDatabase>()),
            new KeyEncryptionKeys(new EncryptionKeySettings(new Dictionary<string, string> { ["kek-1"] = kek1 }, null, "kek-1", IsDefault: false), null),
            new DataKeyCache(0, TimeSpan.Zero, TimeProvider.System), 100, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<EnvelopeEncryption>.Instance);
        await earlier.CreateKeyAsync("file-1", default);
        await earlier.CreateKeyAsync("file-2", default);
        var ciphertext = await EncryptionFixture.EncryptAsync(earlier, "file-1", [1, 2, 3]);
        var encryption = gateway.Services.GetRequiredService<IEnvelopeEncryption>();
        await encryption.CreateKeyAsync("file-3", default);

        using var forbidden = await PostAsync(gateway, "admin/encryption/rotate", "key-app");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var answer = await PostAsync(gateway, "admin/encryption/rotate", "key-ops");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Equal("kek-2", body.RootElement.GetProperty("current_key").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("rewrapped").GetInt32());
        // The three files' keys and the one that wraps the console's session key ring (made at start).
        Assert.Equal(4, body.RootElement.GetProperty("keys").GetProperty("kek-2").GetInt64());
        Assert.False(body.RootElement.GetProperty("keys").TryGetProperty("kek-1", out _));
        Assert.Equal([1, 2, 3], await EncryptionFixture.DecryptAsync(encryption, "file-1", ciphertext));
    }

    private static async Task<HttpResponseMessage> PostAsync(TestGateway gateway, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("api-key", key);
        return await gateway.Client.SendAsync(request);
    }
}
