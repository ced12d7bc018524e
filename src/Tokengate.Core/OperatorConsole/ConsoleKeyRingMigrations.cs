using Tokengate.Storage;

namespace Tokengate.OperatorConsole;

/// <summary>The Data Protection key ring that encrypts console session cookies and sign-in state, one row per key.</summary>
internal sealed class ConsoleKeyRingMigrations : IMigrationSource
{
    private const string Table = """
        CREATE TABLE console_key_ring (
            name TEXT PRIMARY KEY,
            xml TEXT NOT NULL,
            created_at BIGINT NOT NULL);
        """;

    public IEnumerable<Migration> Migrations { get; } = [new("0950_console_key_ring", Sqlite: Table, PostgreSql: Table)];
}
