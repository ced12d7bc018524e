namespace Tokengate.Storage;

/// <summary>
/// Where durable records live (consumers, keys, audit, the usage ledger): an embedded SQLite file in the data
/// folder by default, or a shared PostgreSQL database when several instances run. Read once at start.
/// </summary>
public sealed class DataOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Data";

    /// <summary>The data folder (SQLite file, spool files, local blobs). Default <c>tokengate-data</c> in the current directory.</summary>
    public string Directory { get; set; } = "tokengate-data";

    /// <summary><see cref="DatabaseProvider.Sqlite"/> (default) or <see cref="DatabaseProvider.PostgreSql"/>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// For PostgreSQL: a secret reference (e.g. <c>env:TOKENGATE_POSTGRES</c>) to an Npgsql connection string.
    /// Required with <see cref="DatabaseProvider.PostgreSql"/>; unused with SQLite.
    /// </summary>
    public string? ConnectionString { get; set; }
}
