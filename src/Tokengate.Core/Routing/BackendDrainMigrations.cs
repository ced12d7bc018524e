using Tokengate.Storage;

namespace Tokengate.Routing;

/// <summary>The drained backends: one row per backend an operator drained, deleted when it is resumed.</summary>
internal sealed class BackendDrainMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0910_backend_drains",
            Sqlite: "CREATE TABLE backend_drains (backend TEXT PRIMARY KEY, drained_by TEXT NOT NULL, drained_at TEXT NOT NULL);",
            PostgreSql: "CREATE TABLE backend_drains (backend TEXT PRIMARY KEY, drained_by TEXT NOT NULL, drained_at TIMESTAMPTZ NOT NULL);"),
    ];
}
