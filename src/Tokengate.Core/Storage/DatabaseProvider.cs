namespace Tokengate.Storage;

/// <summary>The database engine behind the durable records.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file in the data folder; one instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by every instance.</summary>
    PostgreSql,
}
