using System.Data.Common;

namespace Tokengate.Storage;

/// <summary>
/// Opens connections to the configured database. Features write plain ADO.NET against it and keep the SQL for
/// both engines side by side (see <see cref="Migration"/>); no code path needs to know which engine runs, except
/// where the SQL differs.
/// </summary>
internal interface IDatabase
{
    DatabaseProvider Provider { get; }

    /// <summary>An open connection from the engine's pool; dispose it to return it.</summary>
    ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);
}
