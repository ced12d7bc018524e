using System.Text.Json;
using Npgsql;
using Tokengate.Encryption;
using Tokengate.IntegrationTests.Batches;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>
/// Three <c>tokengate serve</c> processes on one PostgreSQL database and one Redis share a gateway-run batch: each
/// instance's runner claims lines (<c>FOR UPDATE SKIP LOCKED</c>), and every line is run once, answered once and
/// written to the ledger once.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FleetBatchTests(ITestOutputHelper output)
{
    private const int Lines = 600;
    private const int Instances = 3;
    private static readonly TimeSpan BatchDeadline = TimeSpan.FromSeconds(180);

    /// <summary>Instance i's only backend: its own name (the ledger's <c>backend</c> column) and its own simulated deployment.</summary>
    private static string BackendOf(int instance) => $"ptu-{instance}";

    private static string DeploymentOf(int instance) => $"gpt-4o-{instance}";

    [Fact]
    public async Task Batch_SharedByThreeProcesses_EveryLineRunOnceUpstream_OnceInOutputAndLedger_MoreThanOneInstanceRanLines()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await TestBackends.StartAsync("East US", [.. Enumerable.Range(0, Instances).Select(DeploymentOf)]);
        for (var i = 0; i < Instances; i++)
        {
            backend.Control.Update(DeploymentOf(i), o =>
            {
                // Provisioned, with room far beyond this load: batch lines run on it at once (below the batch utilization
                // threshold), rather than waiting for the last Tokengate:Batches:PayAsYouGoBefore of the window.
                o.Type = SimulatedDeploymentType.Provisioned;
                o.ProvisionedThroughputUnits = 1000;
                // Each answer takes a little while, so the batch lasts long enough for every instance's runner to find it.
                o.Latency.TimeToFirstTokenMs = 50;
            });
        }

        // What the instances must share for one of them to read what another stored: the input file (validated by
        // whichever instance leases the batch), the sealed line bodies and results, the output file. One key-encryption
        // key and one blob folder for the fleet, both outside every instance's data folder.
        var shared = Directory.CreateTempSubdirectory("tokengate-fleet-batch-");
        try
        {
            var kek = Path.Combine(shared.FullName, "keys", "kek-1.key");
            LocalKeyFile.Create(kek);
            var settings = new Dictionary<string, string?>
            {
                ["Tokengate:Encryption:LocalKeys:kek-1"] = kek,
                ["Tokengate:Files:Folder"] = Path.Combine(shared.FullName, "blobs"),
                [$"Tokengate:Pools:{ProcessFleet.Deployment}:Backends:0:Type"] = "Provisioned",
                ["Tokengate:Batches:PollInterval"] = "00:00:00.050",
            };
            // The same configuration everywhere but the pool's one backend: each instance reaches the simulator under a
            // name and deployment of its own, so the ledger and the simulator both tell which instance ran a line.
            await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, postgres.ConnectionString, [("ptu", backend, 0)], settings, Instances,
                i => [new($"Tokengate:Pools:{ProcessFleet.Deployment}:Backends:0:Name", BackendOf(i)),
                      new($"Tokengate:Pools:{ProcessFleet.Deployment}:Backends:0:Deployment", DeploymentOf(i))]);

            var client = fleet.Clients[0];
            var file = await BatchCalls.UploadAsync(client, BatchHarness.ChatLines(Lines, ProcessFleet.Deployment), ProcessFleet.AppKey);
            var id = await BatchCalls.CreateIdAsync(client, file, ProcessFleet.AppKey);
            var done = await BatchCalls.WaitForAsync(client, id, ProcessFleet.AppKey, "completed", BatchDeadline);

            Assert.Equal(Lines, done.GetProperty("request_counts").GetProperty("total").GetInt32());
            Assert.Equal(Lines, done.GetProperty("request_counts").GetProperty("completed").GetInt32());
            Assert.Equal(0, done.GetProperty("request_counts").GetProperty("failed").GetInt32());
            Assert.Equal(JsonValueKind.Null, done.GetProperty("error_file_id").ValueKind);

            // The output, read through another instance than the one that wrote it may have been: each custom id once.
            var answered = BatchCalls.AnsweredCustomIds(await BatchCalls.FileContentAsync(fleet.Clients[1], done.GetProperty("output_file_id").GetString()!, ProcessFleet.AppKey));
            Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"task-{i}").Order(StringComparer.Ordinal), answered.Order(StringComparer.Ordinal));

            // One ledger row per line, and per instance as many rows as its deployment received requests: no line was run
            // twice upstream, by one instance or by two.
            var ledger = await LedgerByBackendAsync(postgres.ConnectionString, id);
            var upstream = Enumerable.Range(0, Instances).Select(i => backend.Control.GetStats(DeploymentOf(i)).RequestsReceived).ToArray();
            output.WriteLine($"lines run by instance 0/1/2: ledger {string.Join("/", Enumerable.Range(0, Instances).Select(i => ledger.GetValueOrDefault(BackendOf(i)).Rows))}, " +
                $"upstream {string.Join("/", upstream)}");
            Assert.Equal(Lines, ledger.Values.Sum(r => r.Rows));
            Assert.Equal(Lines, ledger.Values.Sum(r => r.Distinct));
            Assert.Equal(Lines, upstream.Sum());
            Assert.All(ledger.Keys, b => Assert.Contains(b, Enumerable.Range(0, Instances).Select(BackendOf)));
            for (var i = 0; i < Instances; i++) Assert.Equal(upstream[i], ledger.GetValueOrDefault(BackendOf(i)).Rows);
            Assert.True(upstream.Count(n => n > 0) > 1, $"only one instance ran lines: {string.Join("/", upstream)}");

            await fleet.StopAsync();
        }
        finally
        {
            shared.Delete(recursive: true);
        }
    }

    /// <summary>The batch's ledger rows and distinct record ids per backend.</summary>
    private static async Task<Dictionary<string, (long Rows, long Distinct)>> LedgerByBackendAsync(string postgres, string batchId)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COALESCE(backend, ''), count(*), count(DISTINCT record_id) FROM usage_ledger WHERE batch_id = @batch GROUP BY backend", connection);
        command.Parameters.AddWithValue("batch", batchId);
        var rows = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return rows;
    }
}
