using Microsoft.Data.Sqlite;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.ScaleOut;
using Tokengate.Simulator;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>
/// A <c>tokengate serve</c> process on SQLite killed (SIGKILL) in the middle of a gateway-run batch and started again
/// on the same data folder: the batch resumes from its leases and ends with every line answered once.
/// </summary>
[Trait("Category", "Slow")]
public sealed class GatewayRunBatchKillTests(ITestOutputHelper output)
{
    private const int Lines = 300;
    private const string Pool = "chat";
    private const string AppKey = "key-app";
    private const string Deployment = "gpt-4o-ptu";

    /// <summary>Lines answered before the kill: enough to be well under way, few enough that most are still to run.</summary>
    private const int DoneBeforeKill = 30;

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BatchDeadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Kill_MidBatch_RestartOnTheSameDataFolder_FinishesIt_EveryLineOnceInOutputAndLedger()
    {
        await using var backend = await TestBackends.StartAsync("East US", Deployment);
        backend.Control.Update(Deployment, o =>
        {
            // Provisioned, with room far beyond this load: lines run at once (a pool with a provisioned backend runs batch
            // work on it while its utilization is below Tokengate:Batches:UtilizationThresholdPercent, and only waits for
            // pay-as-you-go until the last PayAsYouGoBefore of the window), and all of them reach this one deployment, so its
            // request count is the number of lines run upstream.
            o.Type = SimulatedDeploymentType.Provisioned;
            o.ProvisionedThroughputUnits = 1000;
            // Each answer takes a little while, so the batch is mid-way, with lines in flight, when the process dies.
            o.Latency.TimeToFirstTokenMs = 50;
        });

        var root = Directory.CreateTempSubdirectory("tokengate-batch-kill-");
        TokengateProcess? process = null;
        try
        {
            // The default key-encryption key is made beside the data folder ("data-keys"), so inside root as well.
            var data = Directory.CreateDirectory(Path.Combine(root.FullName, "data"));
            var config = new Dictionary<string, string?>
            {
                ["Tokengate:Data:Directory"] = data.FullName,
                ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(AppKey),
                [$"Tokengate:Pools:{Pool}:Backends:0:Model"] = "gpt-4o",
                // Short, so lines in flight at the kill are taken up again soon after the restart; the lease must outlast
                // the forwarding deadline (checked on start), so a line is never run by two runners at once.
                ["Tokengate:Batches:LeaseDuration"] = "00:00:03",
                ["Tokengate:Forwarding:Deadline"] = "00:00:02",
                ["Tokengate:Batches:PollInterval"] = "00:00:00.050",
            };
            foreach (var (k, v) in TestBackends.Backend(Pool, 0, "ptu", backend, priority: 0, type: "Provisioned")) config[k] = v;
            config[$"Tokengate:Pools:{Pool}:Backends:0:Deployment"] = Deployment;
            var file = Path.Combine(root.FullName, "tokengate.json");
            await ConfigurationFile.WriteAsync(file, config);
            Dictionary<string, string> environment = new() { [TestBackends.KeyVariable] = TestBackends.BackendKey };

            process = TokengateProcess.Start(root.FullName, environment, "serve", "--urls", "http://127.0.0.1:0", "--config", file);
            string id;
            var input = BatchHarness.ChatLines(Lines, Pool);
            using (var client = new HttpClient { BaseAddress = await ProcessFleet.WaitUntilReadyAsync(process), Timeout = TimeSpan.FromSeconds(60) })
            {
                id = await BatchCalls.CreateIdAsync(client, await BatchCalls.UploadAsync(client, input, AppKey), AppKey);
                var until = DateTime.UtcNow + BatchDeadline;
                while (true)
                {
                    var batch = await BatchCalls.GetAsync(client, id, AppKey);
                    if (batch.GetProperty("request_counts").GetProperty("completed").GetInt32() >= DoneBeforeKill) break;
                    Assert.Contains(batch.GetProperty("status").GetString(), (string[])["validating", "in_progress"]);
                    Assert.True(DateTime.UtcNow < until, $"batch {id} did not get under way: {batch}\n{Output(process)}");
                    await Task.Delay(10);
                }
            }

            await process.KillAsync();
            var atKill = await LineStatesAsync(data.FullName, id);
            var statsAtKill = backend.Control.GetStats(Deployment);
            output.WriteLine($"killed with lines {Describe(atKill)}; the simulator had received {statsAtKill.RequestsReceived} requests " +
                $"({statsAtKill.Succeeded} answered, {statsAtKill.Throttled} throttled, {statsAtKill.Failed} failed or cut off)");
            // The kill came mid-way: lines were left to run, which the restarted process must finish.
            Assert.True(atKill.GetValueOrDefault("done") < Lines, $"the batch had finished before the kill: {Describe(atKill)}");
            Assert.Equal(Lines, atKill.Values.Sum());
            await process.DisposeAsync();

            process = TokengateProcess.Start(root.FullName, environment, "serve", "--urls", "http://127.0.0.1:0", "--config", file);
            using (var client = new HttpClient { BaseAddress = await ProcessFleet.WaitUntilReadyAsync(process), Timeout = TimeSpan.FromSeconds(60) })
            {
                var done = await BatchCalls.WaitForAsync(client, id, AppKey, "completed", BatchDeadline);
                Assert.Equal(Lines, done.GetProperty("request_counts").GetProperty("total").GetInt32());
                Assert.Equal(Lines, done.GetProperty("request_counts").GetProperty("completed").GetInt32());
                Assert.Equal(0, done.GetProperty("request_counts").GetProperty("failed").GetInt32());
                Assert.Equal(System.Text.Json.JsonValueKind.Null, done.GetProperty("error_file_id").ValueKind);

                // Every input line answered exactly once in the output, through the Files API of the restarted process.
                var answered = BatchCalls.AnsweredCustomIds(await BatchCalls.FileContentAsync(client, done.GetProperty("output_file_id").GetString()!, AppKey));
                var expected = Enumerable.Range(0, Lines).Select(i => $"task-{i}").ToList();
                Assert.Equal(expected.Order(StringComparer.Ordinal), answered.Order(StringComparer.Ordinal));
                Assert.Equal(Lines, answered.Distinct().Count());
            }

            // One ledger row per line: the answer and its row commit together, so a line answered before the kill is never
            // run again and one in flight at the kill left neither.
            var (rows, distinct) = await LedgerAsync(data.FullName, id);
            Assert.Equal((Lines, Lines), (rows, distinct));

            // Lines in flight at the kill reached the simulator and were run again after the restart: that is allowed (the
            // answer was never stored), so only reported. On a loaded machine a first attempt can also pass the short
            // forwarding deadline and its line be run again (a counted attempt), which this count includes.
            var upstream = backend.Control.GetStats(Deployment).RequestsReceived;
            output.WriteLine($"the simulator received {upstream} requests for {Lines} lines: {upstream - Lines} lines ran upstream twice " +
                $"(in flight at the kill: {atKill.GetValueOrDefault("running")})");
            Assert.True(upstream >= Lines, $"{upstream} upstream requests for {Lines} lines");
        }
        finally
        {
            if (process is not null) await process.DisposeAsync();
            SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }
    }

    private static string Output(TokengateProcess process) => $"stdout:\n{process.StandardOutput}\nstderr:\n{process.StandardError}";

    private static string Describe(Dictionary<string, int> states) => string.Join(", ", states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"));

    private static SqliteConnection Open(string data) => new($"Data Source={Path.Combine(data, "tokengate.db")};Pooling=false");

    /// <summary>The batch's lines by state (pending, running, done), read from the database the process left.</summary>
    private static async Task<Dictionary<string, int>> LineStatesAsync(string data, string batchId)
    {
        await using var connection = Open(data);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COUNT(*) FROM batch_lines WHERE batch_id = @b GROUP BY state";
        command.Parameters.AddWithValue("@b", batchId);
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) states[reader.GetString(0)] = reader.GetInt32(1);
        return states;
    }

    private static async Task<(long Rows, long Distinct)> LedgerAsync(string data, string batchId)
    {
        await using var connection = Open(data);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT record_id) FROM usage_ledger WHERE batch_id = @b";
        command.Parameters.AddWithValue("@b", batchId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
