using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>Session expiry on a fake clock: sliding renewal on use, and an absolute end that use does not move.</summary>
public sealed class ConsoleSessionLifetimeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private SimulatorServer _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format("key-reader"),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Console:SlidingExpiration"] = "01:00:00",
            ["Tokengate:Console:AbsoluteLifetime"] = "02:00:00",
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        _gateway = await TestGateway.StartAsync(config, _time);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Session_UsedWithinSlidingWindow_LastsUntilAbsoluteEnd()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        var signIn = await ConsoleSessionClient.ReadAsync(await browser.SignInAsync("key-reader"));
        Assert.Equal(_time.GetUtcNow().AddHours(1), signIn.GetProperty("expires").GetDateTimeOffset());

        _time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("admin/pools")).StatusCode);
        _time.Advance(TimeSpan.FromMinutes(50));
        var session = await browser.GetAsync("console/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        // Renewed, but capped by the absolute end: two hours after sign-in.
        Assert.Equal(_time.GetUtcNow().AddMinutes(20), (await ConsoleSessionClient.ReadAsync(session)).GetProperty("expires").GetDateTimeOffset());

        _time.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("admin/pools")).StatusCode);
    }

    [Fact]
    public async Task Session_UnusedPastSlidingWindow_Ends()
    {
        using var browser = new ConsoleSessionClient(_gateway.Client.BaseAddress!);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync("key-reader")).StatusCode);

        _time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("admin/pools")).StatusCode);
    }
}
