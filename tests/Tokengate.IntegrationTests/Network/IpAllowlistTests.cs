using System.Net;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Network;

/// <summary>Global and per-consumer IP allowlists, and X-Forwarded-For from trusted proxies, over loopback.</summary>
public sealed class IpAllowlistTests : IAsyncLifetime
{
    private const string Key = "tg_ip-test-key";
    private const string OtherKey = "tg_ip-test-other";
    private SimulatorServer _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackends.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private async Task<(GatewayServer Gateway, HttpClient Client)> StartAsync(Dictionary<string, string?> extra)
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(Key),
            ["Tokengate:Consumers:other:KeyHashes:0"] = KeyHash.Format(OtherKey),
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        foreach (var (k, v) in extra) config[k] = v;
        var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(config));
        return (gateway, new HttpClient { BaseAddress = gateway.Endpoint });
    }

    private static HttpRequestMessage Chat(string key, string? forwardedFor = null)
    {
        var request = GatewayRequests.Chat("gpt-4o", key);
        if (forwardedFor is not null) request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Fact]
    public async Task Request_FromAddressOutsideGlobalList_Gets403BeforeTheKeyIsChecked()
    {
        var (gateway, client) = await StartAsync(new() { ["Tokengate:Network:AllowedIpRanges:0"] = "10.0.0.0/8" });
        await using var _ = gateway;
        using var __ = client;

        using var withKey = await client.SendAsync(Chat(Key));
        var error = await AzureErrorAssert.IsErrorAsync(withKey, HttpStatusCode.Forbidden, "403");
        Assert.StartsWith("Traffic is not from an approved network", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // A wrong key gets the same 403, not a 401: keys are never tried from outside the allowed networks.
        using var badKey = await client.SendAsync(Chat("tg_wrong"));
        await AzureErrorAssert.IsErrorAsync(badKey, HttpStatusCode.Forbidden, "403");
        Assert.Equal(0, _backend.Control.GetStats("gpt-4o").RequestsReceived);
    }

    [Fact]
    public async Task Request_FromAddressInGlobalList_IsServed()
    {
        var (gateway, client) = await StartAsync(new() { ["Tokengate:Network:AllowedIpRanges:0"] = "10.0.0.0/8", ["Tokengate:Network:AllowedIpRanges:1"] = "127.0.0.0/8" });
        await using var _ = gateway;
        using var __ = client;

        using var response = await client.SendAsync(Chat(Key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_PerConsumerList_OnlyThatConsumerIsRefused()
    {
        var (gateway, client) = await StartAsync(new() { ["Tokengate:Consumers:app:AllowedIpRanges:0"] = "192.0.2.0/24" });
        await using var _ = gateway;
        using var __ = client;

        using var refused = await client.SendAsync(Chat(Key));
        await AzureErrorAssert.IsErrorAsync(refused, HttpStatusCode.Forbidden, "403");
        using var served = await client.SendAsync(Chat(OtherKey));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Request_ViaTrustedProxy_ClientFromForwardedForDecides()
    {
        var (gateway, client) = await StartAsync(new()
        {
            ["Tokengate:Network:TrustedProxies:0"] = "127.0.0.1/32",
            ["Tokengate:Network:AllowedIpRanges:0"] = "203.0.113.0/24",
        });
        await using var _ = gateway;
        using var __ = client;

        using var allowed = await client.SendAsync(Chat(Key, "198.51.100.66, 203.0.113.9"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        // The left entry is whatever the client wrote; only the right-most untrusted one counts.
        using var spoofed = await client.SendAsync(Chat(Key, "203.0.113.9, 198.51.100.66"));
        await AzureErrorAssert.IsErrorAsync(spoofed, HttpStatusCode.Forbidden, "403");

        // Without the header the client is the proxy itself, which is not in the list.
        using var direct = await client.SendAsync(Chat(Key));
        await AzureErrorAssert.IsErrorAsync(direct, HttpStatusCode.Forbidden, "403");
    }

    [Fact]
    public async Task Request_ForwardedForFromUntrustedPeer_IsIgnored()
    {
        var (gateway, client) = await StartAsync(new() { ["Tokengate:Network:AllowedIpRanges:0"] = "203.0.113.0/24" });
        await using var _ = gateway;
        using var __ = client;

        using var response = await client.SendAsync(Chat(Key, "203.0.113.9"));
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "403");
    }

    [Fact]
    public async Task Request_MalformedForwardedForFromTrustedProxy_Gets400()
    {
        var (gateway, client) = await StartAsync(new() { ["Tokengate:Network:TrustedProxies:0"] = "127.0.0.0/8" });
        await using var _ = gateway;
        using var __ = client;

        using var response = await client.SendAsync(Chat(Key, "203.0.113.9, not-an-address"));
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "BadRequest");
    }

    [Fact]
    public async Task Reload_NewAllowlist_AppliesToTheNextRequest()
    {
        var (gateway, client) = await StartAsync([]);
        await using var _ = gateway;
        using var __ = client;
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Chat(Key))).StatusCode);

        var configuration = (IConfigurationRoot)gateway.App.Configuration;
        configuration["Tokengate:Network:AllowedIpRanges:0"] = "10.0.0.0/8";
        configuration.Reload();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(Chat(Key))).StatusCode);

        // A malformed range is refused and the last good rules stay.
        configuration["Tokengate:Network:AllowedIpRanges:0"] = "10.0.0.0/99";
        configuration.Reload();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(Chat(Key))).StatusCode);
    }
}
