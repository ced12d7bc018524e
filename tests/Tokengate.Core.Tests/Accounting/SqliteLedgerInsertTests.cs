using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Hosting;
using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>
/// The SQLite ledger insert binds a value only when it differs from the previous record's: every column of every row
/// must still read back as its own record's, whichever values repeat, change, or go from NULL to a value and back.
/// </summary>
public sealed class SqliteLedgerInsertTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("tokengate-ledger-insert-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Write_ValuesThatRepeatChangeAndTurnNull_EveryRowReadsBackAsItsRecord()
    {
        var full = Record(0) with
        {
            Media = new MediaUsage { AudioInputTokens = 3, ImageInputTokens = 4, AudioOutputTokens = 5, ImageOutputTokens = 6, Images = 2, AudioSeconds = 1.25, Characters = 70 },
            ServiceTier = "priority",
            MaxOutputTokens = 512,
            Screening = "jailbreak:0.91",
            ScreenedOut = true,
        };
        var sparse = new UsageRecord(Start.AddSeconds(2), "app-b", null, "chat", null, null, 0, 0, 0, 0m, 429, 1.5, null, true, UsageSource.None)
        {
            Id = RecordIds.NewVersion7(Start.AddSeconds(2)),
            BatchId = "batch_1",
        };
        var records = new List<UsageRecord>
        {
            full,
            full with { Id = RecordIds.NewVersion7(Start.AddSeconds(1)), At = Start.AddSeconds(1), LatencyMs = 41.5 }, // all else repeats
            sparse,                                                                                                     // NULLs and zeros
            Record(3),                                                                                                  // values again
            Record(4) with { Consumer = "app-c", PromptTokens = 38, Source = UsageSource.Counted, Stream = true },
        };

        var written = await WriteAsync(records);

        Assert.Equal(records.Select(Expected), written);
    }

    [Fact]
    public async Task Write_ARecordAlreadyInTheLedger_AddsNothingAndTheRecordsAfterItAreWhole()
    {
        var first = Record(0);
        var again = Record(1) with { Id = first.Id, Consumer = "someone-else" };
        var after = Record(2) with { Group = null, PromptTokens = 99 };

        var written = await WriteAsync([first, again, after]);

        Assert.Equal(new[] { first, after }.Select(Expected), written);
    }

    [Fact]
    public async Task Write_WithSlices_OffersTheCoreBetweenRecordsAndWritesThemAll()
    {
        var yields = 0;
        var slices = new WorkSlices(TimeSpan.Zero, () => false, new FakeTimeProvider(), () => yields++);
        var records = Enumerable.Range(0, 5).Select(Record).ToList();

        var written = await WriteAsync(records, slices);

        Assert.Equal(5, yields);
        Assert.Equal(records.Select(Expected), written);
    }

    private static UsageRecord Record(int i) =>
        new(Start.AddSeconds(i), "app-a", "apps", "chat", "east", "gpt-4o-2024-11-20", 38, 6, 12, 0.000155m, 200, 20.25 + i,
            12.5, false, UsageSource.Reported, "standard")
        {
            Id = RecordIds.NewVersion7(Start.AddSeconds(i)),
            Pool = "chat-ptu",
            OperationName = "chat.completions",
        };

    /// <summary>The row SQLite should hold for a record, column by column, as the reader returns it.</summary>
    private static object[] Expected(UsageRecord r) =>
    [
        r.At.UtcDateTime.ToString("O"), r.Consumer, (object?)r.Group ?? DBNull.Value, r.Deployment, (object?)r.Backend ?? DBNull.Value,
        (object?)r.Model ?? DBNull.Value, r.PromptTokens, r.CachedTokens, r.CompletionTokens, UsageTime.ToNanoUsd(r.CostUsd), (long)r.Status,
        r.LatencyMs, (object?)r.TimeToFirstTokenMs ?? DBNull.Value, r.Stream ? 1L : 0L, r.Source.ToString(), (object?)r.Priority ?? DBNull.Value,
        r.Id.ToString(), (object?)r.OperationName ?? DBNull.Value, r.Media.AudioInputTokens, r.Media.ImageInputTokens, r.Media.AudioOutputTokens,
        r.Media.ImageOutputTokens, (long)r.Media.Images, UsageTime.ToMilliseconds(r.Media.AudioSeconds), r.Media.Characters,
        (object?)r.ServiceTier ?? DBNull.Value, (object?)r.BatchId ?? DBNull.Value, (object?)r.Pool ?? DBNull.Value,
        (object?)r.MaxOutputTokens ?? DBNull.Value, (object?)r.Screening ?? DBNull.Value, r.ScreenedOut ? 1L : 0L,
    ];

    private async Task<List<object[]>> WriteAsync(IReadOnlyList<UsageRecord> records, WorkSlices? slices = null)
    {
        var database = new SqliteDatabase(_directory);
        await new MigrationRunner(database, [new UsageMigrations()], new FakeTimeProvider(), NullLogger<MigrationRunner>.Instance).StartAsync(default);
        await using var connection = (SqliteConnection)await database.OpenConnectionAsync(default);
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            SqliteLedgerInsert.Write(connection, records, slices);
            await transaction.CommitAsync();
        }
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT at, consumer, consumer_group, deployment, backend, model, prompt_tokens, cached_tokens, completion_tokens,
                cost_nanousd, status, latency_ms, ttfb_ms, stream, usage_source, priority, record_id, operation, audio_input_tokens,
                image_input_tokens, audio_output_tokens, image_output_tokens, images, audio_ms, characters, service_tier, batch_id,
                pool, max_output_tokens, screening, screened_out
            FROM usage_ledger ORDER BY id
            """;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }
}
