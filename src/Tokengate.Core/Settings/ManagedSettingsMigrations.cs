using Tokengate.Storage;

namespace Tokengate.Settings;

/// <summary>
/// Settings written through the admin API: one row per configuration key, and one version row that every write
/// increments in the same transaction, so an instance finds out whether anything changed with a single read.
/// </summary>
internal sealed class ManagedSettingsMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations { get; } =
    [
        new("1300_managed_settings",
            Sqlite: """
                CREATE TABLE managed_settings (
                    key TEXT PRIMARY KEY,
                    value TEXT NULL,
                    updated_at TEXT NOT NULL,
                    updated_by TEXT NOT NULL);
                CREATE TABLE managed_settings_version (
                    id INTEGER PRIMARY KEY,
                    version INTEGER NOT NULL);
                INSERT INTO managed_settings_version (id, version) VALUES (1, 0);
                """,
            PostgreSql: """
                CREATE TABLE managed_settings (
                    key TEXT PRIMARY KEY,
                    value TEXT NULL,
                    updated_at TIMESTAMPTZ NOT NULL,
                    updated_by TEXT NOT NULL);
                CREATE TABLE managed_settings_version (
                    id INTEGER PRIMARY KEY,
                    version BIGINT NOT NULL);
                INSERT INTO managed_settings_version (id, version) VALUES (1, 0);
                """),
    ];
}
