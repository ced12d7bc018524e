using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Backend health shared by a fleet of three gateway processes.</summary>
public sealed class SharedHealthTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Throttled_ThroughOneProcess_AvoidedByTheOtherTwoWithinOneSecond()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var primary = await ProcessFleet.StartBackendAsync();
        await using var spare = await ProcessFleet.StartBackendAsync();
        await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, postgres.ConnectionString, [("primary", primary, 1), ("spare", spare, 2)]);
        foreach (var i in new[] { 1, 2 }) Assert.Equal(2, Available(await fleet.ReadyzAsync(i)));

        primary.Control.FailNext("gpt-4o", 1, 429, retryAfter: TimeSpan.FromSeconds(30));
        using (var response = await fleet.ChatAsync(0, "hello"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);  // failed over to the spare
        var throttledAt = Stopwatch.StartNew();
        Assert.Equal(1, primary.Control.GetStats("gpt-4o").Throttled);

        // Only the primary is cooling: one of the two backends left, as each of the other processes reports it.
        await fleet.UntilReadyzAsync([1, 2], body => Available(body) == 1, TimeSpan.FromSeconds(1), "the primary cooling");
        var propagated = throttledAt.Elapsed;
        output.WriteLine($"the 429 seen by instance 0 reached instances 1 and 2 within {propagated.TotalMilliseconds:0} ms");
        Assert.True(propagated < TimeSpan.FromSeconds(1), $"took {propagated}");

        // The primary would answer now, but the others keep away from it until its Retry-After has passed.
        for (var i = 0; i < 6; i++)
        {
            using var response = await fleet.ChatAsync(1 + (i % 2), $"after {i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(1, primary.Control.GetStats("gpt-4o").RequestsReceived);
        Assert.Equal(7, spare.Control.GetStats("gpt-4o").RequestsReceived);
    }

    private static int Available((HttpStatusCode Status, JsonElement Body) readyz) => Available(readyz.Body);

    private static int Available(JsonElement readyz) =>
        readyz.GetProperty("pools").GetProperty(ProcessFleet.Deployment).GetProperty("available").GetInt32();
}
