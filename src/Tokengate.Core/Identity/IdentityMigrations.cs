using Tokengate.Storage;

namespace Tokengate.Identity;

/// <summary>Consumers and their gateway-issued keys (hashes only).</summary>
internal sealed class IdentityMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0200_consumers_and_keys",
            Sqlite: """
                CREATE TABLE consumers (
                    name TEXT PRIMARY KEY,
                    consumer_group TEXT NULL,
                    roles TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    disabled_at TEXT NULL);
                CREATE TABLE consumer_keys (
                    id TEXT PRIMARY KEY,
                    consumer TEXT NOT NULL REFERENCES consumers (name),
                    key_hash TEXT NOT NULL UNIQUE,
                    prefix TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NULL,
                    revoked_at TEXT NULL);
                CREATE INDEX ix_consumer_keys_consumer ON consumer_keys (consumer);
                """,
            PostgreSql: """
                CREATE TABLE consumers (
                    name TEXT PRIMARY KEY,
                    consumer_group TEXT NULL,
                    roles TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL,
                    disabled_at TIMESTAMPTZ NULL);
                CREATE TABLE consumer_keys (
                    id TEXT PRIMARY KEY,
                    consumer TEXT NOT NULL REFERENCES consumers (name),
                    key_hash TEXT NOT NULL UNIQUE,
                    prefix TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL,
                    expires_at TIMESTAMPTZ NULL,
                    revoked_at TIMESTAMPTZ NULL);
                CREATE INDEX ix_consumer_keys_consumer ON consumer_keys (consumer);
                """),
    ];
}
