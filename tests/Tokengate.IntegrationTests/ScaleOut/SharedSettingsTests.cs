using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Settings written through one instance of a fleet sharing PostgreSQL and Redis are enforced by the others.</summary>
public sealed class SharedSettingsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LimitSetOnInstanceA_EnforcedOnInstanceB_WithinTheDeadline()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(2, TestRedis.Shared, postgres.ConnectionString, [("sim", backend, 1)]);

        using (var before = await fleet.ChatAsync(1, "before")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using (var put = new HttpRequestMessage(HttpMethod.Put, "admin/consumers/app/policy") { Content = JsonContent.Create(new { limits = new { requestsPerMinute = 1 } }) })
        {
            put.Headers.Add("api-key", ProcessFleet.OperatorKey);
            using var response = await fleet.Clients[0].SendAsync(put);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        // The announcement over Redis normally gets there at once; the poll of the stored version (default 5 s) is the net.
        var set = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(10);
        HttpStatusCode status;
        do
        {
            using var response = await fleet.ChatAsync(1, "after");
            status = response.StatusCode;
            if (status == HttpStatusCode.TooManyRequests) break;
            await Task.Delay(20);
        }
        while (set.Elapsed < deadline);
        output.WriteLine($"instance B enforced the limit set through instance A after {set.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }
}
