using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Secrets;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Secrets;

/// <summary>
/// <c>keyvault:</c> references through the gateway host, with the Key Vault client replaced by a fake (the real vault
/// is not reachable here; the network is not faked).
/// </summary>
public sealed class KeyVaultReferenceTests : IAsyncLifetime
{
    private const string Reference = "keyvault:https://contoso-kv.vault.azure.net/secrets/sim-key";
    private SimulatorServer _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackends.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private Task<GatewayServer> StartAsync(IKeyVaultSecretClient vault)
    {
        var config = new Dictionary<string, string?> { ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format("tg_kv-consumer") };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        config["Tokengate:Pools:gpt-4o:Backends:0:ApiKey"] = Reference;
        return GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton(vault);
        });
    }

    [Fact]
    public async Task Start_KeyVaultSecret_ServesWithIt()
    {
        await using var gateway = await StartAsync(new Vault(TestBackends.BackendKey, null));
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("gpt-4o", "tg_kv-consumer"))).StatusCode);
    }

    [Fact]
    public async Task Start_KeyVaultUnreadable_RefusesToStartNamingTheField()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAsync(new Vault(null, "Key Vault answered 403 (Forbidden) when reading secret 'sim-key' in contoso-kv.vault.azure.net.")));

        Assert.Equal("Tokengate:Pools:gpt-4o:Backends:0:ApiKey: Key Vault answered 403 (Forbidden) when reading secret 'sim-key' in contoso-kv.vault.azure.net.", Assert.Single(ex.Failures));
    }

    private sealed class Vault(string? value, string? problem) : IKeyVaultSecretClient
    {
        public bool TryGetSecret(KeyVaultReference reference, out string secret, out string why)
        {
            Assert.Equal("contoso-kv.vault.azure.net", reference.VaultUri.Host);
            Assert.Equal("sim-key", reference.Name);
            secret = value ?? "";
            why = problem ?? "";
            return value is not null;
        }
    }
}
