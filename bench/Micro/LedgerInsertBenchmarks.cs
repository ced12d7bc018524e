using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.Accounting;
using Tokengate.Hosting;
using Tokengate.Micro.Baseline;
using Tokengate.Operations;
using Tokengate.Storage;

namespace Tokengate.Micro;

/// <summary>
/// What the SQLite ledger's insert costs per record, as the writer runs it: batches of 500 chat-completion records
/// (the default <c>LedgerBatchSize</c>), each in its own transaction on a connection from the pool, into a migrated
/// database in a temporary folder that grows as the run goes. <c>Consumers</c> interleaves that many consumers (and
/// as many models), so consecutive records differ in those columns. The time is spent on a core that also serves
/// requests. Each iteration writes 20 batches of records made fresh for it (new ids, so nothing is a conflict).
/// <c>Baseline</c> binds all 31 values of every record; <c>ChangedOnly</c> binds those that differ from the previous
/// record's; <c>ChangedOnlyInSlices</c> also offers the core every slice (<c>WorkSlices.Default</c>), as the writer does.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
[MinColumn, MedianColumn]
public class LedgerInsertBenchmarks
{
    private const int BatchSize = 500;
    private const int Batches = 20;
    private string _folder = null!;
    private SqliteDatabase _database = null!;
    private UsageRecord[][] _batches = null!;

    [Params(1, 8)]
    public int Consumers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("tokengate-ledger-bench").FullName;
        _database = new SqliteDatabase(_folder);
        new MigrationRunner(_database, [new UsageMigrations()], TimeProvider.System, NullLogger<MigrationRunner>.Instance)
            .StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void MakeRecords()
    {
        var now = DateTimeOffset.UtcNow;
        _batches = Enumerable.Range(0, Batches).Select(b => Enumerable.Range(0, BatchSize).Select(i =>
        {
            var at = now.AddTicks(b * BatchSize + i);
            return new UsageRecord(at, $"consumer-{i % Consumers}", "apps", "bench", "static", $"gpt-4o-{i % Consumers}",
                38 + i % 3, 0, 6, 0.000155m, 200, 0.4 + i * 0.001, null, false, UsageSource.Reported, "standard", OperationRegistry.ChatCompletions)
            {
                Id = RecordIds.NewVersion7(at),
                Pool = "bench",
                OperationName = "chat.completions",
                MaxOutputTokens = 4096,
                Screening = "none",
            };
        }).ToArray()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize * Batches)]
    public void Baseline() => Run(BaselineSqliteLedgerInsert.Write);

    [Benchmark(OperationsPerInvoke = BatchSize * Batches)]
    public void ChangedOnly() => Run((connection, batch) => SqliteLedgerInsert.Write(connection, batch));

    [Benchmark(OperationsPerInvoke = BatchSize * Batches)]
    public void ChangedOnlyInSlices()
    {
        var slices = new WorkSlices(WorkSlices.Default, () => false, TimeProvider.System);
        Run((connection, batch) => SqliteLedgerInsert.Write(connection, batch, slices));
    }

    private void Run(Action<SqliteConnection, IReadOnlyList<UsageRecord>> write)
    {
        foreach (var batch in _batches)
        {
            using var connection = (SqliteConnection)_database.OpenConnectionAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            using var transaction = connection.BeginTransaction();
            write(connection, batch);
            transaction.Commit();
        }
    }
}
