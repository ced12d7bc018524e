using System.Data.Common;
using Tokengate.Storage;

namespace Tokengate.Files;

/// <summary>The file store's rows: files, uploads and their parts, and placements on backends. Plain SQL for both engines.</summary>
internal sealed class FileCatalog(IDatabase database, TimeProvider time)
{
    private const string FileColumns = "id, consumer, purpose, filename, bytes, sha256, lines, token_estimate, created_at, expires_at";

    public async Task AddFileAsync(StoredFile file, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO files ({FileColumns}) VALUES (@id, @consumer, @purpose, @filename, @bytes, @sha256, @lines, @tokens, @created, @expires)";
        command.AddParameter("@id", file.Id).AddParameter("@consumer", file.Consumer).AddParameter("@purpose", file.Purpose)
            .AddParameter("@filename", file.Filename).AddParameter("@bytes", file.Bytes).AddParameter("@sha256", file.Sha256)
            .AddParameter("@lines", file.Lines).AddParameter("@tokens", file.TokenEstimate)
            .AddParameter("@created", DbTimestamps.ToDb(file.CreatedAt, database.Provider))
            .AddParameter("@expires", file.ExpiresAt is { } expires ? DbTimestamps.ToDb(expires, database.Provider) : null);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The consumer's file; null when there is none, it belongs to someone else (the caller answers 404 for both), or it
    /// has expired (<c>expires_after</c>: gone for readers at once, its bytes shredded by <see cref="ExpiredFilesCleanup"/>).
    /// </summary>
    public async Task<StoredFile?> FindFileAsync(string id, string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FileColumns} FROM files WHERE id = @id AND consumer = @consumer AND (expires_at IS NULL OR expires_at > @now)";
        command.AddParameter("@id", id).AddParameter("@consumer", consumer).AddParameter("@now", DbTimestamps.ToDb(time.GetUtcNow(), database.Provider));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadFile(reader) : null;
    }

    /// <summary>Files whose expiry has passed, oldest first, at most <paramref name="limit"/>: their id and owner.</summary>
    public async Task<List<(string Id, string Consumer)>> ExpiredAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, consumer FROM files WHERE expires_at IS NOT NULL AND expires_at <= @now ORDER BY expires_at LIMIT @limit";
        command.AddParameter("@now", DbTimestamps.ToDb(time.GetUtcNow(), database.Provider)).AddParameter("@limit", limit);
        var expired = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) expired.Add((reader.GetString(0), reader.GetString(1)));
        return expired;
    }

    /// <summary>The consumer's files, newest first (or oldest with <paramref name="ascending"/>), after a cursor, one more than asked to tell whether there are more.</summary>
    public async Task<List<StoredFile>> ListFilesAsync(string consumer, string? purpose, string? after, int limit, bool ascending, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var order = ascending ? "ASC" : "DESC";
        var comparison = ascending ? ">" : "<";
        var where = "consumer = @consumer AND (expires_at IS NULL OR expires_at > @now)";
        command.AddParameter("@consumer", consumer).AddParameter("@now", DbTimestamps.ToDb(time.GetUtcNow(), database.Provider));
        if (purpose is not null)
        {
            where += " AND purpose = @purpose";
            command.AddParameter("@purpose", purpose);
        }
        if (after is not null)
        {
            where += $" AND (created_at, id) {comparison} (SELECT created_at, id FROM files WHERE id = @after)";
            command.AddParameter("@after", after);
        }
        command.CommandText = $"SELECT {FileColumns} FROM files WHERE {where} ORDER BY created_at {order}, id {order} LIMIT @limit";
        command.AddParameter("@limit", limit + 1);
        var files = new List<StoredFile>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) files.Add(ReadFile(reader));
        return files;
    }

    /// <summary>Removes a file's row and its placements; false when it was not there.</summary>
    public async Task<bool> DeleteFileAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var placements = connection.CreateCommand();
        placements.Transaction = transaction;
        placements.CommandText = "DELETE FROM file_placements WHERE file_id = @id";
        placements.AddParameter("@id", id);
        await placements.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM files WHERE id = @id";
        command.AddParameter("@id", id);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>The ids of every file and every unfinished upload's file-to-be of <paramref name="consumer"/> (erasure on request).</summary>
    public async Task<(List<string> Files, List<StoredUpload> PendingUploads)> OwnedAsync(string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var files = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id FROM files WHERE consumer = @consumer";
            command.AddParameter("@consumer", consumer);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) files.Add(reader.GetString(0));
        }
        var uploads = new List<StoredUpload>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id FROM uploads WHERE consumer = @consumer AND status = @pending";
            command.AddParameter("@consumer", consumer).AddParameter("@pending", StoredUpload.Pending);
            var ids = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) ids.Add(reader.GetString(0));
            }
            foreach (var id in ids)
            {
                if (await FindUploadAsync(id, consumer, cancellationToken).ConfigureAwait(false) is { } upload) uploads.Add(upload);
            }
        }
        return (files, uploads);
    }

    public async Task AddUploadAsync(StoredUpload upload, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO uploads (id, consumer, purpose, filename, bytes, mime_type, status, created_at, expires_at, file_id)
            VALUES (@id, @consumer, @purpose, @filename, @bytes, @mime, @status, @created, @expires, @file)
            """;
        command.AddParameter("@id", upload.Id).AddParameter("@consumer", upload.Consumer).AddParameter("@purpose", upload.Purpose)
            .AddParameter("@filename", upload.Filename).AddParameter("@bytes", upload.Bytes).AddParameter("@mime", upload.MimeType)
            .AddParameter("@status", upload.Status).AddParameter("@created", DbTimestamps.ToDb(upload.CreatedAt, database.Provider))
            .AddParameter("@expires", DbTimestamps.ToDb(upload.ExpiresAt, database.Provider)).AddParameter("@file", upload.FileId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredUpload?> FindUploadAsync(string id, string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, consumer, purpose, filename, bytes, mime_type, status, created_at, expires_at, file_id
            FROM uploads WHERE id = @id AND consumer = @consumer
            """;
        command.AddParameter("@id", id).AddParameter("@consumer", consumer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new StoredUpload(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
            reader.GetString(5), reader.GetString(6), DbTimestamps.Read(reader, 7), DbTimestamps.Read(reader, 8), reader.IsDBNull(9) ? null : reader.GetString(9));
    }

    /// <summary>Moves an upload from <paramref name="from"/> to <paramref name="to"/>; false when it was no longer in <paramref name="from"/> (a race lost).</summary>
    public async Task<bool> SetUploadStatusAsync(string id, string from, string to, string? fileId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE uploads SET status = @to, file_id = COALESCE(@file, file_id) WHERE id = @id AND status = @from";
        command.AddParameter("@to", to).AddParameter("@file", fileId).AddParameter("@id", id).AddParameter("@from", from);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task AddPartAsync(string uploadId, string partId, long bytes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO upload_parts (id, upload_id, bytes, created_at) VALUES (@id, @upload, @bytes, @at)";
        command.AddParameter("@id", partId).AddParameter("@upload", uploadId).AddParameter("@bytes", bytes).AddParameter("@at", DbTimestamps.ToDb(at, database.Provider));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The upload's parts by id, with their sizes.</summary>
    public async Task<Dictionary<string, long>> PartsAsync(string uploadId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, bytes FROM upload_parts WHERE upload_id = @upload";
        command.AddParameter("@upload", uploadId);
        var parts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) parts[reader.GetString(0)] = reader.GetInt64(1);
        return parts;
    }

    /// <summary>The backend's id of a file placed there, or null when it has not been placed there (or the placement was forgotten).</summary>
    public async Task<string?> FindPlacementAsync(string fileId, string backend, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT backend_file_id FROM file_placements WHERE file_id = @file AND backend = @backend";
        command.AddParameter("@file", fileId).AddParameter("@backend", backend);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>Records that a file is on a backend under the backend's id (replacing an earlier placement there).</summary>
    public async Task AddPlacementAsync(string fileId, string backend, string backendFileId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO file_placements (file_id, backend, backend_file_id, created_at) VALUES (@file, @backend, @placed, @at)
            ON CONFLICT (file_id, backend) DO UPDATE SET backend_file_id = excluded.backend_file_id, created_at = excluded.created_at
            """;
        command.AddParameter("@file", fileId).AddParameter("@backend", backend).AddParameter("@placed", backendFileId)
            .AddParameter("@at", DbTimestamps.ToDb(at, database.Provider));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets a placement the backend no longer has (it expired or was deleted there).</summary>
    public async Task RemovePlacementAsync(string fileId, string backend, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM file_placements WHERE file_id = @file AND backend = @backend";
        command.AddParameter("@file", fileId).AddParameter("@backend", backend);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The backends a file is placed on, with the backend's id of it there.</summary>
    public async Task<Dictionary<string, string>> PlacementsAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT backend, backend_file_id FROM file_placements WHERE file_id = @file";
        command.AddParameter("@file", fileId);
        var placements = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) placements[reader.GetString(0)] = reader.GetString(1);
        return placements;
    }

    private static StoredFile ReadFile(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5),
        reader.GetInt64(6), reader.GetInt64(7), DbTimestamps.Read(reader, 8), reader.IsDBNull(9) ? null : DbTimestamps.Read(reader, 9));
}
