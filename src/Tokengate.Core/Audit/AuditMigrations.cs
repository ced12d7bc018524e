using Tokengate.Storage;

namespace Tokengate.Audit;

/// <summary>The audit table, with triggers (SQLite) and rules (PostgreSQL) that make it append-only.</summary>
internal sealed class AuditMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0100_audit",
            Sqlite: """
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NULL,
                    client_address TEXT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT NULL);
                CREATE INDEX ix_audit_log_at ON audit_log (at);
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                """,
            PostgreSql: """
                CREATE TABLE audit_log (
                    id BIGSERIAL PRIMARY KEY,
                    at TIMESTAMPTZ NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NULL,
                    client_address TEXT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT NULL);
                CREATE INDEX ix_audit_log_at ON audit_log (at);
                CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
                    $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
                CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
                """),
        // Failures are aggregated (FailureAuditWriter): one row stands for its repeats within an interval. Existing
        // rows are single occurrences. Adding a column with a constant default rewrites no row, so the append-only
        // triggers are not involved.
        new("0101_audit_count",
            Sqlite: "ALTER TABLE audit_log ADD COLUMN count INTEGER NOT NULL DEFAULT 1;",
            PostgreSql: "ALTER TABLE audit_log ADD COLUMN count BIGINT NOT NULL DEFAULT 1;"),
    ];
}
