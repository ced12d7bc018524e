using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>
/// Usage records the database did not take, kept in order in an append-only file in the data folder
/// (<c>ledger-spool.jsonl</c>, one JSON record per line) until <see cref="UsageLedgerWriter"/> replays them. Used by the
/// writer's loop only, so it needs no lock. A line torn by a crash mid-append is skipped on reading.
/// </summary>
internal sealed partial class LedgerSpool(IOptions<DataOptions> data, ILogger<LedgerSpool> logger)
{
    public const string FileName = "ledger-spool.jsonl";
    private long _pending;

    public string FilePath { get; } = Path.Combine(data.Value.Directory, FileName);

    /// <summary>Records waiting in the file.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Counts what a previous run left behind; those records are replayed first.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var left = File.Exists(FilePath) ? (await ReadAsync(cancellationToken).ConfigureAwait(false)).Count : 0;
        Interlocked.Exchange(ref _pending, left);
        if (left > 0) LogLeftOver(logger, left);
    }

    public async Task AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            foreach (var record in records)
            {
                await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(record, LedgerSpoolJsonContext.Default.UsageRecord), cancellationToken).ConfigureAwait(false);
                stream.WriteByte((byte)'\n');
            }
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        Interlocked.Add(ref _pending, records.Count);
    }

    /// <summary>Every spooled record, in the order it was spooled.</summary>
    public async Task<List<UsageRecord>> ReadAsync(CancellationToken cancellationToken)
    {
        var records = new List<UsageRecord>();
        if (!File.Exists(FilePath)) return records;
        var lines = await File.ReadAllLinesAsync(FilePath, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize(lines[i], LedgerSpoolJsonContext.Default.UsageRecord) is { } record) records.Add(record);
            }
            catch (JsonException)
            {
                LogTornLine(logger, i + 1);
            }
        }
        return records;
    }

    /// <summary>Everything read was written to the database.</summary>
    public void Clear()
    {
        File.Delete(FilePath);
        Interlocked.Exchange(ref _pending, 0);
    }

    [LoggerMessage(1, LogLevel.Warning, "The ledger spool holds {Count} usage records from a previous run; they are written to the database first")]
    private static partial void LogLeftOver(ILogger logger, long count);

    [LoggerMessage(2, LogLevel.Warning, "Ledger spool line {Line} is not a complete record (torn by a crash while it was written); skipped")]
    private static partial void LogTornLine(ILogger logger, int line);
}
