namespace Tokengate.Storage;

/// <summary>
/// One schema change, written for both engines. Ids sort in the order they must run
/// (<c>0001_identity</c>, <c>0002_ledger</c>, ...); once released a migration never changes: add a new one.
/// </summary>
/// <param name="Id">Unique, ordered identifier.</param>
/// <param name="Sqlite">The SQL for SQLite (several statements allowed).</param>
/// <param name="PostgreSql">The SQL for PostgreSQL (several statements allowed).</param>
internal sealed record Migration(string Id, string Sqlite, string PostgreSql)
{
    public string SqlFor(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? Sqlite : PostgreSql;
}
