using System.Data.Common;
using Npgsql;

namespace Tokengate.Storage;

/// <summary>A shared PostgreSQL database through one pooled <see cref="NpgsqlDataSource"/>.</summary>
internal sealed class PostgresDatabase(string connectionString) : IDatabase, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
