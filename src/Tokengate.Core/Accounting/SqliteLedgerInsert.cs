using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tokengate.Hosting;

namespace Tokengate.Accounting;

/// <summary>
/// Writes a batch of usage records to the SQLite ledger through SQLite's own statement interface: one prepared
/// single-row <c>INSERT</c>, its 31 values bound by position, stepped and reset for each record, inside the caller's
/// transaction. The ADO.NET command path looks every named parameter up in the statement on each execution and
/// boxes every value; at tens of thousands of records a second that bookkeeping cost more than SQLite's own insert,
/// on the same cores that serve requests.
/// </summary>
/// <remarks>
/// A reset statement keeps its bound values, so a value is bound only when it differs from the previous record's:
/// most columns of consecutive records (consumer, deployment, model, pool, operation, priority, token counts, ...)
/// repeat, and each bind is a call into SQLite that takes its connection mutex and the statement handle's reference.
/// The values that change on every record (time, id, latency) are bound every time, the time and id as UTF-8 text,
/// the database's encoding, so SQLite does not convert them. The writer passes its <see cref="WorkSlices"/>, so a
/// batch gives the core to waiting requests between records.
/// </remarks>
internal static class SqliteLedgerInsert
{
    private const string Sql = """
        INSERT INTO usage_ledger (at, consumer, consumer_group, deployment, backend, model, prompt_tokens, cached_tokens,
            completion_tokens, cost_nanousd, status, latency_ms, ttfb_ms, stream, usage_source, priority, record_id,
            operation, audio_input_tokens, image_input_tokens, audio_output_tokens, image_output_tokens, images, audio_ms, characters, service_tier, batch_id, pool, max_output_tokens,
            screening, screened_out)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)
        ON CONFLICT (record_id) DO NOTHING
        """;

    private const int Parameters = 31;

    public static void Write(SqliteConnection connection, IReadOnlyList<UsageRecord> batch, WorkSlices? slices = null)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, Sql, out var statement), db);
        using (statement)
        {
            var p = new Bindings(statement);
            // "O" of a UTC DateTime is the fixed-width yyyy-MM-ddTHH:mm:ss.fffffffZ of DbTimestamps (28 bytes); an id is 36.
            Span<byte> text = stackalloc byte[36];
            foreach (var r in batch)
            {
                r.At.UtcDateTime.TryFormat(text, out var written, "O");
                raw.sqlite3_bind_text(statement, 1, text[..written]);
                p.Text(2, r.Consumer);
                p.Text(3, r.Group);
                p.Text(4, r.Deployment);
                p.Text(5, r.Backend);
                p.Text(6, r.Model);
                p.Integer(7, r.PromptTokens);
                p.Integer(8, r.CachedTokens);
                p.Integer(9, r.CompletionTokens);
                p.Integer(10, UsageTime.ToNanoUsd(r.CostUsd));
                p.Integer(11, r.Status);
                raw.sqlite3_bind_double(statement, 12, r.LatencyMs);
                if (r.TimeToFirstTokenMs is { } ttfb) raw.sqlite3_bind_double(statement, 13, ttfb);
                else raw.sqlite3_bind_null(statement, 13);
                p.Integer(14, r.Stream ? 1 : 0);
                p.Text(15, SourceName(r.Source));
                p.Text(16, r.Priority);
                r.Id.TryFormat(text, out written);
                raw.sqlite3_bind_text(statement, 17, text[..written]);
                p.Text(18, r.OperationName);
                var m = r.Media;
                p.Integer(19, m.AudioInputTokens);
                p.Integer(20, m.ImageInputTokens);
                p.Integer(21, m.AudioOutputTokens);
                p.Integer(22, m.ImageOutputTokens);
                p.Integer(23, m.Images);
                p.Integer(24, UsageTime.ToMilliseconds(m.AudioSeconds));
                p.Integer(25, m.Characters);
                p.Text(26, r.ServiceTier);
                p.Text(27, r.BatchId);
                p.Text(28, r.Pool);
                p.Integer(29, r.MaxOutputTokens);
                p.Text(30, r.Screening);
                p.Integer(31, r.ScreenedOut ? 1 : 0);
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE) Check(rc, db);
                raw.sqlite3_reset(statement);
                slices?.Between();
            }
        }
    }

    /// <summary>
    /// The values bound to the statement's parameters, so an unchanged one is not bound again. A newly prepared
    /// statement's parameters are all NULL, which is where this starts.
    /// </summary>
    private sealed class Bindings(sqlite3_stmt statement)
    {
        private readonly string?[] _texts = new string?[Parameters + 1];
        private readonly long?[] _integers = new long?[Parameters + 1];

        public void Text(int index, string? value)
        {
            if (string.Equals(_texts[index], value, StringComparison.Ordinal)) return;
            _texts[index] = value;
            if (value is null) raw.sqlite3_bind_null(statement, index);
            else raw.sqlite3_bind_text16(statement, index, value);
        }

        public void Integer(int index, long? value)
        {
            if (_integers[index] == value) return;
            _integers[index] = value;
            if (value is { } v) raw.sqlite3_bind_int64(statement, index, v);
            else raw.sqlite3_bind_null(statement, index);
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

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
    }
}
