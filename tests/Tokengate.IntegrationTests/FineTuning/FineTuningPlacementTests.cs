using Microsoft.Extensions.DependencyInjection;
using Tokengate.Files;

namespace Tokengate.IntegrationTests.FineTuning;

/// <summary>
/// Placing a file on a backend that takes a while to process it (on the system clock: the gateway polls on its own
/// clock), and the create's ledger row.
/// </summary>
public sealed class FineTuningPlacementTests
{
    [Fact]
    public async Task FilePendingOnTheBackend_CreateWaitsUntilProcessed_PlacementRecorded_LedgerRowWithoutTokens()
    {
        await using var h = await FineTuningHarness.StartAsync(fileProcessing: TimeSpan.FromMilliseconds(300), systemClock: true);
        var file = await h.UploadAsync(FineTuningHarness.AliceKey, FineTuningHarness.TrainingJsonl());

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var created = await h.CreateJobAsync(FineTuningHarness.AliceKey, file);
        clock.Stop();

        // The backend file was uploaded during the create and is pending for 300 ms: the create returned only after that.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"created after {clock.Elapsed}");
        Assert.StartsWith("ftjob-", created.GetProperty("id").GetString(), StringComparison.Ordinal);
        var placements = await h.Services.GetRequiredService<FileCatalog>().PlacementsAsync(file, CancellationToken.None);
        var placed = Assert.Single(placements);
        Assert.Equal("east", placed.Key);
        Assert.NotEqual(file, placed.Value);
        Assert.Equal((1, 0, 1, 0), h.Resources());

        await h.StopGatewayAsync();
        var row = Assert.Single(await h.LedgerAsync());
        Assert.Equal(("alice", FineTuningHarness.Pool, "east", "fine_tuning.jobs.create", 0L), (row.Consumer, row.Deployment, row.Backend, row.Operation, row.PromptTokens));
        Assert.True(row.Status is 200 or 201, $"status {row.Status}");
    }
}
