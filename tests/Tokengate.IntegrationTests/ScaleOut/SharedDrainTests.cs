using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>A drain is shared by the fleet: PostgreSQL keeps it, Redis tells every instance to re-read it.</summary>
[Trait("Category", "Slow")]
public sealed class SharedDrainTests
{
    [Fact]
    public async Task Drain_ThroughOneInstance_TheOtherStopsUsingTheBackend_ResumeReturnsIt()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var primary = await ProcessFleet.StartBackendAsync();
        await using var spare = await ProcessFleet.StartBackendAsync();
        await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, postgres.ConnectionString, [("primary", primary, 1), ("spare", spare, 2)], instances: 2);
        await fleet.UntilReadyzAsync([0, 1], body => Available(body) == 2, TimeSpan.FromSeconds(10), "both backends available");

        using (var drain = await AdminAsync(fleet, 0, "admin/backends/primary/drain"))
            Assert.Equal(HttpStatusCode.OK, drain.StatusCode);

        // Instance 1 heard of it (readyz counts the drained backend out) and sends everything to the spare.
        await fleet.UntilReadyzAsync([1], body => Available(body) == 1, TimeSpan.FromSeconds(5), "the primary drained");
        for (var i = 0; i < 5; i++)
        {
            using var response = await fleet.ChatAsync(1, $"while drained {i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(0, primary.Control.GetStats("gpt-4o").RequestsReceived);
        Assert.Equal(5, spare.Control.GetStats("gpt-4o").RequestsReceived);

        using (var resume = await AdminAsync(fleet, 0, "admin/backends/primary/resume"))
            Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        await fleet.UntilReadyzAsync([1], body => Available(body) == 2, TimeSpan.FromSeconds(5), "the primary resumed");
        using (var back = await fleet.ChatAsync(1, "after resume"))
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal(1, primary.Control.GetStats("gpt-4o").RequestsReceived);  // priority 1 beats the spare's 2
    }

    private static async Task<HttpResponseMessage> AdminAsync(ProcessFleet fleet, int instance, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("api-key", ProcessFleet.OperatorKey);
        return await fleet.Clients[instance].SendAsync(request);
    }

    private static int Available(JsonElement readyz) =>
        readyz.GetProperty("pools").GetProperty(ProcessFleet.Deployment).GetProperty("available").GetInt32();
}
