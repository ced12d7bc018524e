using Tokengate.Storage;

namespace Tokengate.Files;

/// <summary>
/// The gateway's own file store: file metadata (the bytes are in the blob store, encrypted), resumable uploads and
/// their parts, and where a file has been placed on backends (gateway id → backend file id). Times are
/// <see cref="DbTimestamps"/>.
/// </summary>
internal sealed class FilesMigrations : IMigrationSource
{
    private const string Tables = """
        CREATE TABLE files (
            id TEXT PRIMARY KEY,
            consumer TEXT NOT NULL,
            purpose TEXT NOT NULL,
            filename TEXT NOT NULL,
            bytes BIGINT NOT NULL,
            sha256 TEXT NOT NULL,
            lines BIGINT NOT NULL,
            token_estimate BIGINT NOT NULL,
            created_at {0} NOT NULL,
            expires_at {0} NULL);
        CREATE INDEX ix_files_consumer_created ON files (consumer, created_at);
        CREATE TABLE uploads (
            id TEXT PRIMARY KEY,
            consumer TEXT NOT NULL,
            purpose TEXT NOT NULL,
            filename TEXT NOT NULL,
            bytes BIGINT NOT NULL,
            mime_type TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at {0} NOT NULL,
            expires_at {0} NOT NULL,
            file_id TEXT NULL);
        CREATE TABLE upload_parts (
            id TEXT PRIMARY KEY,
            upload_id TEXT NOT NULL,
            bytes BIGINT NOT NULL,
            created_at {0} NOT NULL);
        CREATE INDEX ix_upload_parts_upload ON upload_parts (upload_id);
        CREATE TABLE file_placements (
            file_id TEXT NOT NULL,
            backend TEXT NOT NULL,
            backend_file_id TEXT NOT NULL,
            created_at {0} NOT NULL,
            PRIMARY KEY (file_id, backend));
        """;

    public IEnumerable<Migration> Migrations { get; } =
    [
        new("0700_files",
            Sqlite: Tables.Replace("{0}", "TEXT", StringComparison.Ordinal),
            PostgreSql: Tables.Replace("{0}", "TIMESTAMPTZ", StringComparison.Ordinal)),
    ];
}
