using System.Diagnostics;
using System.Net;
using Tokengate.Configuration;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Routing;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Backend health shared by a fleet of three gateways.</summary>
public sealed class SharedHealthTests
{
    [Fact]
    public async Task Throttled_ThroughOneInstance_AvoidedByTheOtherTwoWithinOneSecond()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var primary = await FleetHarness.StartBackendAsync();
        await using var spare = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(3, TestRedis.Shared, postgres.ConnectionString, [("primary", primary, 1), ("spare", spare, 2)]);

        primary.Control.FailNext("gpt-4o", 1, 429, retryAfter: TimeSpan.FromSeconds(30));
        using (var response = await fleet.ChatAsync(0, "hello"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);  // failed over to the spare
        var throttledAt = Stopwatch.StartNew();
        Assert.Equal(1, primary.Control.GetStats("gpt-4o").Throttled);

        await Secrets.Poll.UntilAsync(() => !Available(fleet, 1, "primary") && !Available(fleet, 2, "primary"), TimeSpan.FromSeconds(1));
        Assert.True(throttledAt.Elapsed < TimeSpan.FromSeconds(1), $"took {throttledAt.Elapsed}");

        // The primary would answer now, but the others keep away from it until its Retry-After has passed.
        for (var i = 0; i < 6; i++)
        {
            using var response = await fleet.ChatAsync(1 + (i % 2), $"after {i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(1, primary.Control.GetStats("gpt-4o").RequestsReceived);
        Assert.Equal(7, spare.Control.GetStats("gpt-4o").RequestsReceived);
    }

    private static bool Available(FleetHarness fleet, int instance, string backend)
    {
        var pool = fleet.Service<GatewayConfiguration>(instance).Current.PoolsByName[FleetHarness.Deployment];
        return fleet.Service<IBackendHealth>(instance).IsAvailable(pool.Backends.Single(b => b.Name == backend), pool);
    }
}
