using System.Security.Cryptography;
using Tokengate.Encryption;

namespace Tokengate.Files;

/// <summary>
/// Resumable uploads (the Uploads API): an upload names the file it will become; each part is streamed, encrypted
/// under that file's data key, into a staged block of its blob (a client that lost its connection sends only the parts
/// it has no id for); completing commits the blocks in the order the client lists them (no byte copied where the
/// store has block lists), reads the result once to check its size, MD5 and JSONL, and only then writes the file's
/// row. An upload lives one hour; a refused completion cancels it and removes what it stored.
/// </summary>
internal sealed class UploadService(IBlobStore blobs, IEnvelopeEncryption encryption, FileCatalog catalog, FileService files, TimeProvider time)
{
    public const long MaxUploadBytes = 8L * 1024 * 1024 * 1024;
    public const long MaxPartBytes = 64L * 1024 * 1024;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public async Task<(StoredUpload? Upload, string? Error, string? Param)> CreateAsync(string consumer, string? filename, string? purpose, long? bytes, string? mimeType,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(filename)) return (null, "'filename' is required.", "filename");
        if (!FilePurposes.IsKnown(purpose)) return (null, $"'purpose' must be one of {string.Join(", ", FilePurposes.All)}.", "purpose");
        if (bytes is not (> 0 and <= MaxUploadBytes)) return (null, $"'bytes' must be from 1 to {MaxUploadBytes}.", "bytes");
        if (string.IsNullOrWhiteSpace(mimeType)) return (null, "'mime_type' is required.", "mime_type");
        var now = time.GetUtcNow();
        var fileId = FileService.NewFileId();
        await encryption.CreateKeyAsync(fileId, cancellationToken).ConfigureAwait(false);
        var upload = new StoredUpload("upload_" + Guid.NewGuid().ToString("N"), consumer, purpose!, filename, bytes.Value, mimeType,
            StoredUpload.Pending, now, now + Lifetime, fileId);
        await catalog.AddUploadAsync(upload, cancellationToken).ConfigureAwait(false);
        return (upload, null, null);
    }

    /// <summary>Streams one part into a staged block; the part's id, or the refusal.</summary>
    public async Task<(string? PartId, string? Error)> AddPartAsync(StoredUpload upload, Stream data, CancellationToken cancellationToken)
    {
        if (await StateErrorAsync(upload, cancellationToken).ConfigureAwait(false) is { } refused) return (null, refused);
        var partId = "part_" + Guid.NewGuid().ToString("N");
        // Each part gets its own part number (random: parts arrive concurrently and in any order); the file's SHA-256,
        // taken at completion in the client's order, binds the order (FileService checks it on every read).
        var part = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var (written, error) = await files.WriteAsync(upload.FileId!, FileService.BlobName(upload.FileId!), data, part, MaxPartBytes, cancellationToken, blockId: BlockId(partId))
            .ConfigureAwait(false);
        written.Inspector.Dispose();
        if (error is not null) return (null, $"A part may hold at most {MaxPartBytes} bytes.");
        if (written.Bytes == 0) return (null, "The part is empty.");
        await catalog.AddPartAsync(upload.Id, partId, written.Bytes, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return (partId, null);
    }

    /// <summary>Completes an upload into a file; the refusal cancels the upload and removes its bytes.</summary>
    public async Task<(StoredFile? File, string? Error, string? Param)> CompleteAsync(StoredUpload upload, IReadOnlyList<string> partIds, string? md5,
        CancellationToken cancellationToken)
    {
        if (await StateErrorAsync(upload, cancellationToken).ConfigureAwait(false) is { } refused) return (null, refused, null);
        var parts = await catalog.PartsAsync(upload.Id, cancellationToken).ConfigureAwait(false);
        if (partIds.Count == 0) return (null, "'part_ids' must list the upload's parts in order.", "part_ids");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var id in partIds)
        {
            if (!parts.TryGetValue(id, out var size)) return (null, $"The part '{id}' is not a part of this upload.", "part_ids");
            if (!seen.Add(id)) return (null, $"The part '{id}' is listed twice.", "part_ids");
            total += size;
        }
        if (total != upload.Bytes)
            return (null, $"The parts listed hold {total} bytes; the upload was created for {upload.Bytes}.", "part_ids");
        if (!await catalog.SetUploadStatusAsync(upload.Id, StoredUpload.Pending, StoredUpload.Completing, null, cancellationToken).ConfigureAwait(false))
            return (null, "The upload is no longer pending.", null);

        var fileId = upload.FileId!;
        var blob = FileService.BlobName(fileId);
        var kept = false;
        try
        {
            await blobs.CommitBlocksAsync(blob, [.. partIds.Select(BlockId)], cancellationToken).ConfigureAwait(false);
            var (sha256, md5Hex, error) = await CheckAsync(fileId, blob, upload.Purpose, cancellationToken).ConfigureAwait(false);
            if (error is not null) return (null, error, null);
            if (md5 is not null && !string.Equals(md5, md5Hex, StringComparison.OrdinalIgnoreCase))
                return (null, $"The MD5 of the assembled file is {md5Hex}, not the '{md5}' given; the upload is cancelled.", "md5");

            var now = time.GetUtcNow();
            var isJsonl = FilePurposes.IsJsonl(upload.Purpose);
            var file = new StoredFile(fileId, upload.Consumer, upload.Purpose, upload.Filename, upload.Bytes, sha256.Sha256, isJsonl ? sha256.Lines : 0,
                isJsonl ? FileService.TokenEstimate(upload.Bytes) : 0, now, null);
            await catalog.AddFileAsync(file, cancellationToken).ConfigureAwait(false);
            await catalog.SetUploadStatusAsync(upload.Id, StoredUpload.Completing, StoredUpload.Completed, fileId, cancellationToken).ConfigureAwait(false);
            kept = true;
            return (file, null, null);
        }
        finally
        {
            if (!kept)
            {
                await catalog.SetUploadStatusAsync(upload.Id, StoredUpload.Completing, StoredUpload.Cancelled, null, CancellationToken.None).ConfigureAwait(false);
                await RemoveAsync(fileId).ConfigureAwait(false);
            }
        }
    }

    public async Task<bool> CancelAsync(StoredUpload upload, CancellationToken cancellationToken)
    {
        if (!await catalog.SetUploadStatusAsync(upload.Id, StoredUpload.Pending, StoredUpload.Cancelled, null, cancellationToken).ConfigureAwait(false)) return false;
        await RemoveAsync(upload.FileId!).ConfigureAwait(false);
        return true;
    }

    /// <summary>Why an upload takes no more parts or completion (it expired: then marked so); null when it is pending.</summary>
    private async Task<string?> StateErrorAsync(StoredUpload upload, CancellationToken cancellationToken)
    {
        if (upload.Status == StoredUpload.Pending && time.GetUtcNow() >= upload.ExpiresAt)
        {
            if (await catalog.SetUploadStatusAsync(upload.Id, StoredUpload.Pending, StoredUpload.Expired, null, cancellationToken).ConfigureAwait(false))
                await RemoveAsync(upload.FileId!).ConfigureAwait(false);
            return $"The upload expired at {upload.ExpiresAt:O}; create a new one.";
        }
        return upload.Status == StoredUpload.Pending ? null : $"The upload is {upload.Status}; it takes no more parts or completion.";
    }

    /// <summary>Reads the assembled file once, decrypting: its SHA-256, its MD5, and the JSONL check of its purpose.</summary>
    private async Task<((string Sha256, long Lines) Sha256, string Md5, string? Error)> CheckAsync(string fileId, string blob, string purpose, CancellationToken cancellationToken)
    {
        await using var stored = await blobs.OpenReadAsync(blob, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The committed blob of {fileId} is missing.");
        await using var plain = await encryption.DecryptAsync(fileId, stored, cancellationToken).ConfigureAwait(false);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var inspector = new JsonlInspector();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await plain.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            if (FilePurposes.IsJsonl(purpose)) inspector.Append(buffer.AsSpan(0, read));
        }
        var error = FilePurposes.IsJsonl(purpose) ? inspector.Complete(purpose) : null;
        return ((Convert.ToHexStringLower(sha.GetHashAndReset()), inspector.Lines), Convert.ToHexStringLower(md5.GetHashAndReset()), error);
    }

    /// <summary>A part's block in the blob store: its id without the <c>part_</c> prefix (32 hex digits, within the stores' block-id rules).</summary>
    private static string BlockId(string partId) => partId["part_".Length..];

    private async Task RemoveAsync(string fileId)
    {
        var blob = FileService.BlobName(fileId);
        await blobs.DiscardBlocksAsync(blob, CancellationToken.None).ConfigureAwait(false);
        await blobs.DeleteAsync(blob, CancellationToken.None).ConfigureAwait(false);
        await encryption.ShredAsync(fileId, CancellationToken.None).ConfigureAwait(false);
    }
}
