using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tokengate.Micro.Baseline;

using Tokengate.Accounting;

/// <summary>
/// Writes a batch of usage records to the SQLite ledger through SQLite's own statement interface: one prepared
/// single-row <c>INSERT</c>, its 31 values bound by position, stepped and reset for each record, inside the caller's
/// transaction. The ADO.NET command path looks every named parameter up in the statement on each execution and
/// boxes every value; at tens of thousands of records a second that bookkeeping cost more than SQLite's own insert,
/// on the same cores that serve requests.
/// </summary>
internal static class BaselineSqliteLedgerInsert
{
    private const string Sql = """
        INSERT INTO usage_ledger (at, consumer, consumer_group, deployment, backend, model, prompt_tokens, cached_tokens,
            completion_tokens, cost_nanousd, status, latency_ms, ttfb_ms, stream, usage_source, priority, record_id,
            operation, audio_input_tokens, image_input_tokens, audio_output_tokens, image_output_tokens, images, audio_ms, characters, service_tier, batch_id, pool, max_output_tokens,
            screening, screened_out)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)
        ON CONFLICT (record_id) DO NOTHING
        """;

    public static void Write(SqliteConnection connection, IReadOnlyList<UsageRecord> batch)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, Sql, out var statement), db);
        using (statement)
        {
            Span<char> at = stackalloc char[28];
            Span<char> id = stackalloc char[36];
            foreach (var r in batch)
            {
                // The same fixed-width UTC text as DbTimestamps ("O" of a UTC DateTime is yyyy-MM-ddTHH:mm:ss.fffffffZ).
                r.At.UtcDateTime.TryFormat(at, out var written, "O");
                raw.sqlite3_bind_text16(statement, 1, at[..written]);
                Text(statement, 2, r.Consumer);
                Text(statement, 3, r.Group);
                Text(statement, 4, r.Deployment);
                Text(statement, 5, r.Backend);
                Text(statement, 6, r.Model);
                raw.sqlite3_bind_int64(statement, 7, r.PromptTokens);
                raw.sqlite3_bind_int64(statement, 8, r.CachedTokens);
                raw.sqlite3_bind_int64(statement, 9, r.CompletionTokens);
                raw.sqlite3_bind_int64(statement, 10, UsageTime.ToNanoUsd(r.CostUsd));
                raw.sqlite3_bind_int(statement, 11, r.Status);
                raw.sqlite3_bind_double(statement, 12, r.LatencyMs);
                if (r.TimeToFirstTokenMs is { } ttfb) raw.sqlite3_bind_double(statement, 13, ttfb);
                else raw.sqlite3_bind_null(statement, 13);
                raw.sqlite3_bind_int(statement, 14, r.Stream ? 1 : 0);
                Text(statement, 15, SourceName(r.Source));
                Text(statement, 16, r.Priority);
                r.Id.TryFormat(id, out written);
                raw.sqlite3_bind_text16(statement, 17, id[..written]);
                Text(statement, 18, r.OperationName);
                var m = r.Media;
                raw.sqlite3_bind_int64(statement, 19, m.AudioInputTokens);
                raw.sqlite3_bind_int64(statement, 20, m.ImageInputTokens);
                raw.sqlite3_bind_int64(statement, 21, m.AudioOutputTokens);
                raw.sqlite3_bind_int64(statement, 22, m.ImageOutputTokens);
                raw.sqlite3_bind_int64(statement, 23, m.Images);
                raw.sqlite3_bind_int64(statement, 24, UsageTime.ToMilliseconds(m.AudioSeconds));
                raw.sqlite3_bind_int64(statement, 25, m.Characters);
                Text(statement, 26, r.ServiceTier);
                Text(statement, 27, r.BatchId);
                Text(statement, 28, r.Pool);
                if (r.MaxOutputTokens is { } bound) raw.sqlite3_bind_int64(statement, 29, bound);
                else raw.sqlite3_bind_null(statement, 29);
                Text(statement, 30, r.Screening);
                raw.sqlite3_bind_int(statement, 31, r.ScreenedOut ? 1 : 0);
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE) Check(rc, db);
                raw.sqlite3_reset(statement);
            }
        }
    }

    /// <summary>What <c>UsageSource.ToString()</c> gives, without the enum's name lookup.</summary>
    private static string SourceName(UsageSource source) => source switch
    {
        UsageSource.None => nameof(UsageSource.None),
        UsageSource.Reported => nameof(UsageSource.Reported),
        UsageSource.Counted => nameof(UsageSource.Counted),
        UsageSource.Measured => nameof(UsageSource.Measured),
        _ => source.ToString(),
    };

    private static void Text(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null) raw.sqlite3_bind_null(statement, index);
        else raw.sqlite3_bind_text16(statement, index, value);
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
    }
}
