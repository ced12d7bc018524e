using Tokengate.Storage;

namespace Tokengate.FineTuning;

/// <summary>The registry of fine-tuning jobs (see <see cref="FineTuningJobRecord"/>). Times are <see cref="DbTimestamps"/>.</summary>
internal sealed class FineTuningMigrations : IMigrationSource
{
    private const string Table = """
        CREATE TABLE fine_tuning_jobs (
            id TEXT PRIMARY KEY,
            consumer TEXT NOT NULL,
            pool TEXT NOT NULL,
            backend TEXT NOT NULL,
            base_model TEXT NOT NULL,
            training_file TEXT NOT NULL,
            training_sha256 TEXT NOT NULL,
            validation_file TEXT NULL,
            backend_training_file TEXT NOT NULL,
            backend_validation_file TEXT NULL,
            settings TEXT NOT NULL,
            status TEXT NOT NULL,
            fine_tuned_model TEXT NULL,
            trained_tokens BIGINT NULL,
            created_at {0} NOT NULL,
            finished_at {0} NULL,
            updated_at {0} NOT NULL,
            job_json TEXT NOT NULL);
        CREATE INDEX ix_fine_tuning_jobs_consumer_created ON fine_tuning_jobs (consumer, created_at);
        """;

    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0710_fine_tuning_jobs",
            Sqlite: Table.Replace("{0}", "TEXT", StringComparison.Ordinal),
            PostgreSql: Table.Replace("{0}", "TIMESTAMPTZ", StringComparison.Ordinal)),
    ];
}
