using Tokengate.Storage;

namespace Tokengate.Encryption;

/// <summary>
/// The data keys (<see cref="DataKeyTable"/>): one row per object, its key wrapped by the KEK named in <c>kek_id</c>.
/// A shredded key keeps its row with <c>wrapped_key</c> and <c>kek_id</c> cleared and <c>destroyed_at</c> set, so the
/// id is never given a new key and a read says the key was destroyed. The index on <c>kek_id</c> serves rotation.
/// </summary>
internal sealed class EncryptionMigrations : IMigrationSource
{
    private const string Table = """
        CREATE TABLE encryption_keys (
            object_id TEXT PRIMARY KEY,
            wrapped_key {0} NULL,
            kek_id TEXT NULL,
            created_at {1} NOT NULL,
            rewrapped_at {1} NULL,
            destroyed_at {1} NULL);
        CREATE INDEX ix_encryption_keys_kek_id ON encryption_keys (kek_id);
        """;

    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0600_encryption_keys",
            Sqlite: string.Format(System.Globalization.CultureInfo.InvariantCulture, Table, "BLOB", "TEXT"),
            PostgreSql: string.Format(System.Globalization.CultureInfo.InvariantCulture, Table, "BYTEA", "TIMESTAMPTZ")),
    ];
}
