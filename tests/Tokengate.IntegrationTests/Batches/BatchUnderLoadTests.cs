using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>
/// A gateway-run batch beside real-time traffic that keeps the provisioned deployment at 70–90 % utilization: the
/// batch takes none of that capacity (live high-priority requests get no 429 and keep their latency), and it runs to
/// the end once the load stops.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BatchUnderLoadTests(ITestOutputHelper output)
{
    private const string LiveKey = "key-live";
    private const int Lines = 2000;
    private const int LiveRequests = 150;

    [Fact]
    public async Task Batch_UnderLoadAt70To90Percent_RunsOnlyInTheGaps_LiveRequestsNoErrors_CompletesWhenTheLoadStops()
    {
        await using var h = await BatchHarness.StartAsync(new()
        {
            ["Tokengate:Consumers:live:KeyHashes:0"] = KeyHash.Format(LiveKey),
            ["Tokengate:Priority:Consumers:live"] = "high",
        });
        var rng = new Random(7);

        // Baseline: the live load alone.
        var baseline = await LiveLoadAsync(h, rng, batchId: null);

        // The same load with a 2,000-line batch waiting for capacity.
        var id = await h.CreateIdAsync(await h.UploadAsync(BatchHarness.ChatLines(Lines)));
        var withBatch = await LiveLoadAsync(h, rng, id);

        output.WriteLine($"live p50 without the batch {baseline.P50:0.00} ms, with it {withBatch.P50:0.00} ms; " +
            $"batch lines answered during the load: {withBatch.BatchProgress}");
        Assert.Equal(0, baseline.Errors);
        Assert.Equal(0, withBatch.Errors);
        // The provisioned deployment never dropped below the batch threshold while the load ran: the batch waited.
        Assert.Equal(0, withBatch.BatchProgress);
        Assert.Equal("in_progress", (await h.GetAsync(id)).GetProperty("status").GetString());

        // The load stops; utilization drains below the threshold and the batch runs to the end.
        var done = await h.WaitForAsync(id, "completed", TimeSpan.FromMinutes(5));
        Assert.Equal(Lines, done.GetProperty("request_counts").GetProperty("completed").GetInt32());
        var customIds = (await h.FileContentAsync(done.GetProperty("output_file_id").GetString()!))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("custom_id").GetString()!)
            .ToList();
        Assert.Equal(Lines, customIds.Distinct().Count());
        // Every line ran on the provisioned deployment (live requests may spill to pay-as-you-go; batch lines never do).
        var rows = await h.LedgerRowsAsync(id);
        Assert.Equal(Lines, rows.Count);
        Assert.All(rows, r => Assert.Equal("ptu", r.Backend));
    }

    /// <summary>
    /// Live high-priority requests, one after another, each preceded by the load's effect on the provisioned deployment:
    /// its utilization between 70 and 90 %. With a batch, the load lasts until the batch is in progress and then
    /// <see cref="LiveRequests"/> requests more.
    /// </summary>
    private static async Task<(double P50, int Errors, int BatchProgress)> LiveLoadAsync(BatchHarness h, Random rng, string? batchId)
    {
        var latencies = new List<double>(LiveRequests);
        var errors = 0;
        var body = BatchHarness.ChatLines(1).Trim();
        var chat = JsonDocument.Parse(body).RootElement.GetProperty("body").GetRawText();
        // With a batch: the load runs until the batch has been validated and then for LiveRequests more requests,
        // so the whole measured stretch has the batch in progress (validation may take a while on a busy machine).
        var remaining = batchId is null ? LiveRequests : int.MaxValue;
        var validatedBy = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        for (var i = 0; i < remaining; i++)
        {
            if (remaining == int.MaxValue && (await h.GetAsync(batchId!)).GetProperty("status").GetString() == "in_progress")
                remaining = i + LiveRequests;
            Assert.True(remaining != int.MaxValue || DateTime.UtcNow < validatedBy, "the batch was not validated while the load ran");
            h.Backend.Control.SetUtilization("gpt-4o-ptu", 70 + rng.NextDouble() * 20);
            var started = Stopwatch.GetTimestamp();
            using var response = await h.Client.SendAsync(GatewayRequests.Chat(BatchHarness.Pool, LiveKey, body: chat));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK) errors++;
        }
        var progress = batchId is null ? 0 : (await h.GetAsync(batchId)).GetProperty("request_counts").GetProperty("completed").GetInt32();
        latencies.Sort();
        return (latencies[latencies.Count / 2], errors, progress);
    }
}
