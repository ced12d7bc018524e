using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Authorization;

/// <summary>The gateway follows the issuer's key rotation: a token with a new key id makes it re-read the key set.</summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private SimulatorServer _backend = null!;
    private TestIssuer _issuer = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        _issuer = await TestIssuer.StartAsync(_time);
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Access:Default:Deployments:0"] = "*",
            ["Tokengate:Access:Default:Operations:0"] = "chat",
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        foreach (var (k, v) in _issuer.GatewayConfiguration()) config[k] = v;
        _gateway = await TestGateway.StartAsync(config, _time);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _issuer.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Chat_AfterIssuerRotatesKey_AcceptsNewKeyOnceRefreshIsAllowed()
    {
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(Token()));
        Assert.Equal(1, _issuer.KeySetReads);

        _issuer.Rotate("key-2");
        var rotated = Token();
        // The keys were read moments ago: an unknown key id within UnknownKeyRefreshInterval does not hit the issuer.
        Assert.Equal(HttpStatusCode.Unauthorized, await ChatAsync(rotated));
        Assert.Equal(1, _issuer.KeySetReads);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(rotated));
        Assert.Equal(2, _issuer.KeySetReads);

        // Validated tokens are remembered: the same token again costs no read and no signature check.
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(rotated));
        Assert.Equal(2, _issuer.KeySetReads);
    }

    private string Token() => _issuer.Token(new Dictionary<string, object> { ["azp"] = "some-app" });

    private async Task<HttpStatusCode> ChatAsync(string token)
    {
        using var request = GatewayRequests.Chat("gpt-4o", null);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _gateway.Client.SendAsync(request);
        return response.StatusCode;
    }
}
