using Tokengate.Storage;

namespace Tokengate.Elevation;

/// <summary>The elevations table. Times are Unix milliseconds so both engines store and compare them the same way.</summary>
internal sealed class ElevationMigrations : IMigrationSource
{
    private const string Table = """
        CREATE TABLE elevations (
            id TEXT PRIMARY KEY,
            principal TEXT NOT NULL,
            role TEXT NOT NULL,
            reason TEXT NOT NULL,
            duration_ms BIGINT NOT NULL,
            state TEXT NOT NULL,
            requested_at BIGINT NOT NULL,
            approved_by TEXT NULL,
            approved_at BIGINT NULL,
            expires_at BIGINT NULL,
            revoked_by TEXT NULL,
            revoked_at BIGINT NULL);
        CREATE INDEX ix_elevations_principal ON elevations (principal, state);
        """;

    public IEnumerable<Migration> Migrations { get; } = [new("0300_elevations", Sqlite: Table, PostgreSql: Table)];
}
