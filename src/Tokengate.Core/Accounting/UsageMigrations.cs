using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>
/// The usage ledger and the record of fired budget alerts. Cost is stored in nano-dollars as an integer so sums are
/// exact on both engines. Hour and day rollups are GROUP BY queries over the time indexes rather than tables the
/// writer maintains: one source of truth, nothing to keep consistent when several instances write, and a rollup
/// table can still be added later behind <see cref="UsageReport"/> when ledgers grow past what a scan serves.
/// </summary>
internal sealed class UsageMigrations : IMigrationSource
{
    private const string Columns = """
            consumer TEXT NOT NULL,
            consumer_group TEXT NULL,
            deployment TEXT NOT NULL,
            backend TEXT NULL,
            model TEXT NULL,
            prompt_tokens BIGINT NOT NULL,
            cached_tokens BIGINT NOT NULL,
            completion_tokens BIGINT NOT NULL,
            cost_nanousd BIGINT NOT NULL,
            status INTEGER NOT NULL,
            latency_ms DOUBLE PRECISION NOT NULL,
            ttfb_ms DOUBLE PRECISION NULL,
            stream BOOLEAN NOT NULL,
            usage_source TEXT NOT NULL,
            priority TEXT NULL);
        CREATE INDEX ix_usage_ledger_at ON usage_ledger (at);
        CREATE INDEX ix_usage_ledger_consumer_at ON usage_ledger (consumer, at);
        CREATE INDEX ix_usage_ledger_group_at ON usage_ledger (consumer_group, at);
        CREATE TABLE budget_alerts (
            budget_key TEXT NOT NULL,
            period_start TEXT NOT NULL,
            threshold_percent INTEGER NOT NULL,
            fired_at TEXT NOT NULL,
            PRIMARY KEY (budget_key, period_start, threshold_percent));
        """;

    private const string RecordId = """
        ALTER TABLE usage_ledger ADD COLUMN record_id TEXT NULL;
        CREATE UNIQUE INDEX ix_usage_ledger_record_id ON usage_ledger (record_id);
        """;

    // What media requests used beyond text: tokens by modality (within the totals), images, audio in milliseconds
    // (an integer, so sums are exact), characters; and the operation, so reports can group by it.
    private const string Media = """
        ALTER TABLE usage_ledger ADD COLUMN operation TEXT NULL;
        ALTER TABLE usage_ledger ADD COLUMN audio_input_tokens BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_ledger ADD COLUMN image_input_tokens BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_ledger ADD COLUMN audio_output_tokens BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_ledger ADD COLUMN image_output_tokens BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_ledger ADD COLUMN images BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_ledger ADD COLUMN audio_ms BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE usage_ledger ADD COLUMN characters BIGINT NOT NULL DEFAULT 0;
        """;

    // The service_tier that served each request (priority, default, flex), as the backend's answer said.
    private const string ServiceTier = "ALTER TABLE usage_ledger ADD COLUMN service_tier TEXT NULL;";

    // The batch a row belongs to (a line of a gateway-run batch, or an Azure batch's usage).
    private const string Batch = """
        ALTER TABLE usage_ledger ADD COLUMN batch_id TEXT NULL;
        CREATE INDEX ix_usage_ledger_batch ON usage_ledger (batch_id);
        """;

    // The pool that served a request, beside the deployment it called: they differ for a consumer group's dedicated
    // pool and for a request that overflowed from it to the shared pool. Older rows keep NULL (read: the deployment).
    private const string Pool = """
        ALTER TABLE usage_ledger ADD COLUMN pool TEXT NULL;
        """;

    // The output bound each request was admitted with (× n), so truncation (completion tokens at the bound) can be seen.
    // NULL for operations that generate no text, requests not admitted, requests without a bound, and older rows.
    private const string MaxOutput = "ALTER TABLE usage_ledger ADD COLUMN max_output_tokens BIGINT NULL;";

    // What screening said of each request, and whether it refused it: a screened-out request is findable in the
    // ledger (GET /admin/requests?outcome=screened) whatever the consumer's request logging policy.
    private const string Screening = """
        ALTER TABLE usage_ledger ADD COLUMN screening TEXT NULL;
        ALTER TABLE usage_ledger ADD COLUMN screened_out BOOLEAN NOT NULL DEFAULT FALSE;
        """;

    // Only rows of batches in the batch index: live calls (nearly every row) have no batch_id, and indexing their NULLs
    // was one B-tree insert per request for nothing. `batch_id = @batch` implies NOT NULL, so both engines use it.
    private const string BatchPartial = """
        DROP INDEX ix_usage_ledger_batch;
        CREATE INDEX ix_usage_ledger_batch ON usage_ledger (batch_id) WHERE batch_id IS NOT NULL;
        """;

    // Only rows of consumers in a group in the group index: the group's reports and budgets ask `consumer_group = @group`,
    // which implies NOT NULL on both engines, and a consumer without a group (most, in many fleets) then costs one B-tree
    // insert fewer per request.
    private const string GroupPartial = """
        DROP INDEX ix_usage_ledger_group_at;
        CREATE INDEX ix_usage_ledger_group_at ON usage_ledger (consumer_group, at) WHERE consumer_group IS NOT NULL;
        """;

    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0400_usage_ledger",
            Sqlite: "CREATE TABLE usage_ledger (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL," + Columns,
            PostgreSql: "CREATE TABLE usage_ledger (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL," + Columns),
        // Each record's own id, so a batch written again after a failure (the spool replay) adds nothing twice.
        new("0401_usage_ledger_record_id",
            Sqlite: RecordId,
            PostgreSql: RecordId),
        new("0402_usage_ledger_media",
            Sqlite: Media,
            PostgreSql: Media),
        new("0403_usage_ledger_service_tier",
            Sqlite: ServiceTier,
            PostgreSql: ServiceTier),
        new("0404_usage_ledger_pool",
            Sqlite: Pool,
            PostgreSql: Pool),
        new("0405_usage_ledger_batch",
            Sqlite: Batch,
            PostgreSql: Batch),
        new("0406_usage_ledger_max_output",
            Sqlite: MaxOutput,
            PostgreSql: MaxOutput),
        new("0407_usage_ledger_screening",
            Sqlite: Screening,
            PostgreSql: Screening),
        new("0408_usage_ledger_batch_partial",
            Sqlite: BatchPartial,
            PostgreSql: BatchPartial),
        new("0409_usage_ledger_group_partial",
            Sqlite: GroupPartial,
            PostgreSql: GroupPartial),
    ];
}
