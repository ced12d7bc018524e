using System.Text;
using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.Encryption;
using Tokengate.Network;
using Tokengate.Proxy;

namespace Tokengate.IntegrationTests.Encryption;

/// <summary>
/// Data keys wrapped by a Key Vault key, against a loopback stand-in of the keys REST API, through the gateway's
/// outbound client (so the allowlist applies) with a bearer token from an Azure credential.
/// </summary>
public sealed class KeyVaultKeyEncryptionTests : IAsyncLifetime
{
    private KeyVaultStandIn _vault = null!;
    private EncryptionFixture _fixture = null!;

    public async Task InitializeAsync()
    {
        _vault = await KeyVaultStandIn.StartAsync();
        _fixture = await EncryptionFixture.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _fixture.DisposeAsync();
        await _vault.DisposeAsync();
    }

    private KeyVaultKeyClient Client(string version, params string[] allowedHosts) => new(
        _vault.Key("tokengate-kek", version), "RSA-OAEP-256", new StaticCredential("token-for-vault"),
        new OutboundHttpClient(TimeSpan.FromSeconds(5), OutboundAllowlist.FromPatterns(allowedHosts.Length == 0 ? ["127.0.0.1"] : allowedHosts), NullLogger<OutboundHttpClient>.Instance),
        TimeProvider.System);

    [Fact]
    public async Task WrapUnwrap_ThroughTheVault_RoundTripWithABearerToken()
    {
        var client = Client("v1");
        var dataKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var wrapped = await client.WrapAsync(dataKey, default);

        Assert.Equal(256, wrapped.Length);  // RSA-2048 OAEP
        Assert.Equal(dataKey, await client.UnwrapAsync(client.Key.AbsoluteUri, wrapped, default));
        Assert.Equal(["token-for-vault", "token-for-vault"], _vault.Tokens);
        Assert.Equal(["wrapkey tokengate-kek/v1", "unwrapkey tokengate-kek/v1"], _vault.Operations);
    }

    [Fact]
    public async Task EnvelopeEncryption_KeyVaultCurrent_EncryptsAndDecrypts_AndRotatesFromALocalKey()
    {
        var local = _fixture.Open("kek-1", ["kek-1"]);
        await local.CreateKeyAsync("file-local", default);
        var before = await EncryptionFixture.EncryptAsync(local, "file-local", Encoding.UTF8.GetBytes("wrapped locally"));

        var client = Client("v1");
        var vault = _fixture.Open(client.Key.AbsoluteUri, ["kek-1"], cacheSize: 0, vault: client);
        await vault.CreateKeyAsync("file-vault", default);
        var ciphertext = await EncryptionFixture.EncryptAsync(vault, "file-vault", Encoding.UTF8.GetBytes("wrapped by the vault"));
        Assert.Equal(1, await vault.RotateAsync(default));

        // The local key is no longer needed: both unwrap through the vault.
        var vaultOnly = _fixture.Open(client.Key.AbsoluteUri, [], cacheSize: 0, vault: client);
        Assert.Equal("wrapped by the vault", Encoding.UTF8.GetString(await EncryptionFixture.DecryptAsync(vaultOnly, "file-vault", ciphertext)));
        Assert.Equal("wrapped locally", Encoding.UTF8.GetString(await EncryptionFixture.DecryptAsync(vaultOnly, "file-local", before)));
        Assert.Equal(new Dictionary<string, long> { [client.Key.AbsoluteUri] = 2 }, await vaultOnly.CountByKeyAsync(default));
    }

    [Fact]
    public async Task Rotate_ToANewKeyVersion_OldVersionUnwrapsNewWraps()
    {
        var v1 = Client("v1");
        var first = _fixture.Open(v1.Key.AbsoluteUri, [], vault: v1);
        await first.CreateKeyAsync("file-a", default);
        var ciphertext = await EncryptionFixture.EncryptAsync(first, "file-a", [1, 2, 3]);

        var v2 = Client("v2");
        var second = _fixture.Open(v2.Key.AbsoluteUri, [], cacheSize: 0, vault: v2);
        Assert.Equal([1, 2, 3], await EncryptionFixture.DecryptAsync(second, "file-a", ciphertext));  // v1 still unwraps
        Assert.Equal(1, await second.RotateAsync(default));
        Assert.Equal([1, 2, 3], await EncryptionFixture.DecryptAsync(second, "file-a", ciphertext));
        Assert.Contains("unwrapkey tokengate-kek/v2", _vault.Operations);
    }

    [Fact]
    public async Task Wrap_VaultHostNotAllowed_ClearErrorAndNoCall()
    {
        var client = Client("v1", "contoso-kv.vault.azure.net");

        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => client.WrapAsync(new byte[32], default));
        Assert.Contains("the host '127.0.0.1' is not in Tokengate:Outbound:AllowedHosts", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_vault.Tokens);
    }

    [Fact]
    public async Task Unwrap_KeyOfAnotherVault_Refused()
    {
        var client = Client("v1");
        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => client.UnwrapAsync("https://elsewhere.vault.azure.net/keys/tokengate-kek/v1", new byte[256], default));
        Assert.Contains("not a version of Tokengate:Encryption:KeyVaultKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unwrap_VaultRefuses_SaysWhatItAnswered()
    {
        var client = Client("v1");
        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => client.UnwrapAsync(client.Key.AbsoluteUri, new byte[256], default));
        Assert.StartsWith("Key Vault answered 400 (BadParameter) to unwrapkey with the Key Vault key", ex.Message, StringComparison.Ordinal);
    }

    private sealed class StaticCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Assert.Equal(["https://vault.azure.net/.default"], requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
