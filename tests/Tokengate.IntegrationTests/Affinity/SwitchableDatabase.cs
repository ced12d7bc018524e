using System.Data.Common;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>A database that can be made unreachable: while <see cref="Down"/>, every connection attempt fails as a lost server does.</summary>
internal sealed class SwitchableDatabase(IDatabase inner) : IDatabase
{
    public bool Down { get; set; }

    public DatabaseProvider Provider => inner.Provider;

    public ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        Down ? ValueTask.FromException<DbConnection>(new SwitchedOffException()) : inner.OpenConnectionAsync(cancellationToken);

    private sealed class SwitchedOffException() : DbException("The test database is switched off.");
}
