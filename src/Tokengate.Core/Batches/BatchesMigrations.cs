using Tokengate.Storage;

namespace Tokengate.Batches;

/// <summary>
/// Batches and, for gateway-run batches, their lines. A line's request body and its result are envelope-encrypted
/// under the batch's data key (they hold prompts and answers); the rest is what the runner needs to claim, lease and
/// count lines. Times are <see cref="DbTimestamps"/>.
/// </summary>
internal sealed class BatchesMigrations : IMigrationSource
{
    private const string Tables = """
        CREATE TABLE batches (
            id TEXT PRIMARY KEY,
            consumer TEXT NOT NULL,
            consumer_group TEXT NULL,
            roles TEXT NOT NULL,
            mode TEXT NOT NULL,
            pool TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            input_file_id TEXT NOT NULL,
            completion_window TEXT NOT NULL,
            status TEXT NOT NULL,
            metadata TEXT NULL,
            errors TEXT NULL,
            total INTEGER NOT NULL,
            completed INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            input_tokens BIGINT NOT NULL,
            cached_tokens BIGINT NOT NULL,
            output_tokens BIGINT NOT NULL,
            reasoning_tokens BIGINT NOT NULL,
            output_file_id TEXT NULL,
            error_file_id TEXT NULL,
            backend TEXT NULL,
            upstream_id TEXT NULL,
            upstream_file_id TEXT NULL,
            lease_owner TEXT NULL,
            lease_until {0} NULL,
            polled_at {0} NULL,
            created_at {0} NOT NULL,
            expires_at {0} NOT NULL,
            in_progress_at {0} NULL,
            finalizing_at {0} NULL,
            completed_at {0} NULL,
            failed_at {0} NULL,
            expired_at {0} NULL,
            cancelling_at {0} NULL,
            cancelled_at {0} NULL);
        CREATE INDEX ix_batches_consumer_created ON batches (consumer, created_at);
        CREATE INDEX ix_batches_status ON batches (status);
        CREATE TABLE batch_lines (
            batch_id TEXT NOT NULL,
            line INTEGER NOT NULL,
            custom_id TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            lease_owner TEXT NULL,
            lease_until {0} NULL,
            status_code INTEGER NULL,
            body {1} NOT NULL,
            result {1} NULL,
            PRIMARY KEY (batch_id, line));
        CREATE INDEX ix_batch_lines_state ON batch_lines (batch_id, state);
        """;

    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0800_batches",
            Sqlite: string.Format(System.Globalization.CultureInfo.InvariantCulture, Tables, "TEXT", "BLOB"),
            PostgreSql: string.Format(System.Globalization.CultureInfo.InvariantCulture, Tables, "TIMESTAMPTZ", "BYTEA")),
    ];
}
