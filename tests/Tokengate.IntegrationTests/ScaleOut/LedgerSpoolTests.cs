using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tokengate.Accounting;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>The ledger spool a previous run left behind, replayed at start.</summary>
public sealed class LedgerSpoolTests
{
    [Fact]
    public async Task Start_SpoolLeftWithARepeatedAndATornRecord_ReplayedOncePerIdBeforeNewRecords_AndDeleted()
    {
        var data = Directory.CreateTempSubdirectory("tokengate-spool-");
        try
        {
            UsageRecord Record(string consumer) => new(DateTimeOffset.UtcNow, consumer, null, "chat", "sim", "gpt-4o", 10, 0, 5, 0.001m, 200, 12.5, null, false, UsageSource.Reported);
            var first = Record("first");
            var second = Record("second");
            var lines = new[] { first, second, first }.Select(r => JsonSerializer.Serialize(r, LedgerSpoolJsonContext.Default.UsageRecord)).ToList();
            lines.Add("{\"At\":\"2026-");  // torn by a crash mid-append
            await File.WriteAllLinesAsync(Path.Combine(data.FullName, LedgerSpool.FileName), lines);

            // The harness runs on a fake clock, so the once-a-second replay never comes: a new record triggers it.
            await using (var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Data:Directory"] = data.FullName }))
            {
                using (var response = await h.ChatAsync(LimitsHarness.ChatBody("hello")))
                    Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                await Secrets.Poll.UntilAsync(() => !File.Exists(Path.Combine(data.FullName, LedgerSpool.FileName)), TimeSpan.FromSeconds(20));
                await h.StopGatewayAsync();
            }

            await using var connection = new SqliteConnection($"Data Source={Path.Combine(data.FullName, "tokengate.db")};Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT consumer, record_id FROM usage_ledger ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(string, string)>();
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
            Assert.Equal(3, rows.Count);
            Assert.Equal([("first", first.Id.ToString()), ("second", second.Id.ToString())], rows.Take(2));
            Assert.Equal("app", rows[2].Item1);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (data.Exists) data.Delete(recursive: true);
        }
    }
}
