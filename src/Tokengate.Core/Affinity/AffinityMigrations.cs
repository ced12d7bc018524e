using Tokengate.Storage;

namespace Tokengate.Affinity;

/// <summary>
/// The durable copy of the affinity records (<see cref="AffinityTable"/>). Times are <see cref="DbTimestamps"/>; the
/// index on <c>expires_at</c> serves the pruning of expired rows.
/// </summary>
internal sealed class AffinityMigrations : IMigrationSource
{
    private const string Columns = """
            kind TEXT NOT NULL,
            pool TEXT NOT NULL,
            backend TEXT NOT NULL,
            consumer TEXT NOT NULL,
            created_at {0} NOT NULL,
            expires_at {0} NOT NULL,
            chain_tokens BIGINT NOT NULL);
        CREATE INDEX ix_affinity_records_expires_at ON affinity_records (expires_at);
        """;

    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0500_affinity_records",
            Sqlite: "CREATE TABLE affinity_records (id TEXT PRIMARY KEY," + Columns.Replace("{0}", "TEXT", StringComparison.Ordinal),
            PostgreSql: "CREATE TABLE affinity_records (id TEXT PRIMARY KEY," + Columns.Replace("{0}", "TIMESTAMPTZ", StringComparison.Ordinal)),
    ];
}
