using System.Net;
using Microsoft.Data.Sqlite;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Commands;

/// <summary><c>tokengate serve</c> stopped as an orchestrator stops it: SIGTERM, then waiting for the exit.</summary>
public sealed class ServeShutdownTests
{
    private const string Key = "key-shutdown-app";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_WithARequestInFlightForLongerThanTwoSeconds_FinishesIt_LedgersIt_AndExitsZero()
    {
        await using var backend = await TestBackends.StartAsync();
        // Longer than the two seconds after which the command-line library would end the process by default.
        backend.Control.Update("gpt-4o", o => o.Latency.TimeToFirstTokenMs = 3500);
        var folder = Directory.CreateTempSubdirectory("tokengate-shutdown-");
        try
        {
            var file = Path.Combine(folder.FullName, "tokengate.json");
            var settings = new Dictionary<string, string?>
            {
                ["Tokengate:Data:Directory"] = folder.FullName,
                ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(Key),
                ["Tokengate:Pools:chat:Backends:0:Model"] = "gpt-4o",
            };
            foreach (var (k, v) in TestBackends.Backend("chat", 0, "sim", backend)) settings[k] = v;
            await ConfigurationFile.WriteAsync(file, settings);

            await using var process = TokengateProcess.Start(folder.FullName, [new(TestBackends.KeyVariable, TestBackends.BackendKey)],
                "serve", "--urls", "http://127.0.0.1:0", "--config", file);
            await process.WaitForOutputAsync("Tokengate listening on ", Deadline);
            var endpoint = process.StandardOutput.Split("Tokengate listening on ")[1].Split(Environment.NewLine)[0].Trim();
            using var client = new HttpClient { BaseAddress = new Uri(endpoint), Timeout = Deadline };

            var answer = client.SendAsync(GatewayRequests.Chat("chat", Key));
            var until = DateTime.UtcNow + Deadline;
            while (backend.Control.GetStats("gpt-4o").RequestsReceived == 0)
            {
                Assert.False(answer.IsCompleted, "the request ended before it reached the backend");
                Assert.True(DateTime.UtcNow < until, "the request did not reach the backend");
                await Task.Delay(20);
            }

            var exit = process.StopAsync(Deadline);
            using var response = await answer;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("chat.completion", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await exit);

            await using var ledger = new SqliteConnection($"Data Source={Path.Combine(folder.FullName, "tokengate.db")};Pooling=False");
            await ledger.OpenAsync();
            await using var count = ledger.CreateCommand();
            count.CommandText = "SELECT count(*) FROM usage_ledger WHERE consumer = 'app' AND status = 200";
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
