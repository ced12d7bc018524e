using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Tokengate.Encryption;

namespace Tokengate.Files;

/// <summary>
/// Stores, reads and deletes the gateway's files: bytes stream from the client through the JSONL check and a
/// SHA-256, are encrypted under the file's own data key and go to the blob store; only then is the catalog row
/// written, so a refused or broken upload leaves nothing behind (its blob and key are removed). Reading decrypts as
/// it streams; deleting shreds the data key first, so every copy of the ciphertext (backups included) is unreadable.
/// </summary>
internal sealed class FileService(IBlobStore blobs, IEnvelopeEncryption encryption, FileCatalog catalog, TimeProvider time)
{
    private const int BufferBytes = 64 * 1024;

    /// <summary>Bytes of a JSONL file per token, for the estimate jobs are admitted with (on the high side).</summary>
    private const double BytesPerToken = 3;

    /// <summary>The token estimate of a JSONL file of <paramref name="bytes"/>, for admission of the jobs that use it.</summary>
    public static long TokenEstimate(long bytes) => (long)Math.Ceiling(bytes / BytesPerToken);

    public static string NewFileId() => "file-" + Guid.NewGuid().ToString("N");

    public static string BlobName(string fileId) => "files/" + fileId;

    /// <summary>
    /// Stores <paramref name="content"/> as a new file of <paramref name="consumer"/>; its purpose is
    /// read (with the expiry) only once the content is stored, by <paramref name="rest"/> (a form may name it after the file). The refusal when the content does
    /// not suit the purpose or passes <paramref name="maxBytes"/>; nothing is kept then.
    /// </summary>
    public async Task<(StoredFile? File, string? Error)> CreateAsync(string consumer, string filename, Stream content,
        Func<Task<(string? Purpose, TimeSpan? ExpiresAfter)>> rest, long maxBytes, CancellationToken cancellationToken)
    {
        var id = NewFileId();
        await encryption.CreateKeyAsync(id, cancellationToken).ConfigureAwait(false);
        var stored = false;
        Written written = default;
        try
        {
            (written, var error) = await WriteAsync(id, BlobName(id), content, part: 1, maxBytes, cancellationToken).ConfigureAwait(false);
            if (error is not null) return (null, error);
            var (chosen, expiresAfter) = await rest().ConfigureAwait(false);
            if (!FilePurposes.IsKnown(chosen)) return (null, $"'purpose' must be one of {string.Join(", ", FilePurposes.All)}.");
            if (FilePurposes.IsJsonl(chosen!) && written.Inspector.Complete(chosen!) is { } invalid) return (null, invalid);

            var now = time.GetUtcNow();
            var file = new StoredFile(id, consumer, chosen!, filename, written.Bytes, written.Sha256, FilePurposes.IsJsonl(chosen!) ? written.Inspector.Lines : 0,
                FilePurposes.IsJsonl(chosen!) ? TokenEstimate(written.Bytes) : 0, now, expiresAfter is { } after ? now + after : null);
            await catalog.AddFileAsync(file, cancellationToken).ConfigureAwait(false);
            stored = true;
            return (file, null);
        }
        finally
        {
            written.Inspector?.Dispose();
            if (!stored) await ForgetAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores what the gateway itself produced for <paramref name="consumer"/> (a batch's output or error file) under
    /// <paramref name="purpose"/>, which consumers cannot upload with; no size cap, since the gateway wrote it.
    /// </summary>
    public async Task<StoredFile> CreateProducedAsync(string consumer, string filename, string purpose, Stream content, CancellationToken cancellationToken)
    {
        var id = NewFileId();
        await encryption.CreateKeyAsync(id, cancellationToken).ConfigureAwait(false);
        var stored = false;
        Written written = default;
        try
        {
            (written, _) = await WriteAsync(id, BlobName(id), content, part: 1, long.MaxValue, cancellationToken).ConfigureAwait(false);
            var file = new StoredFile(id, consumer, purpose, filename, written.Bytes, written.Sha256, 0, 0, time.GetUtcNow(), null);
            await catalog.AddFileAsync(file, cancellationToken).ConfigureAwait(false);
            stored = true;
            return file;
        }
        finally
        {
            written.Inspector?.Dispose();
            if (!stored) await ForgetAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The plain bytes of a consumer's file, decrypted as they stream and checked against the SHA-256 and size recorded
    /// when it was stored (the last read throws when they differ: parts reordered, a blob swapped); null when it is not
    /// theirs or not there.
    /// </summary>
    public async Task<(StoredFile File, Stream Content)?> OpenAsync(string id, string consumer, CancellationToken cancellationToken)
    {
        var file = await catalog.FindFileAsync(id, consumer, cancellationToken).ConfigureAwait(false);
        if (file is null) return null;
        var blob = await blobs.OpenReadAsync(BlobName(id), cancellationToken).ConfigureAwait(false);
        if (blob is null) return null;
        var plain = await encryption.DecryptAsync(id, blob, cancellationToken).ConfigureAwait(false);
        return (file, new VerifyingStream(plain, file.Sha256, file.Bytes));
    }

    /// <summary>Deletes a consumer's file: its data key first (crypto-shredding), then its blob and row. False when it is not theirs.</summary>
    public async Task<bool> DeleteAsync(string id, string consumer, CancellationToken cancellationToken)
    {
        if (await catalog.FindFileAsync(id, consumer, cancellationToken).ConfigureAwait(false) is null) return false;
        return await ShredAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Shreds a file whatever its state (an expired one too): data key, blob, row.</summary>
    internal async Task<bool> ShredAsync(string id, CancellationToken cancellationToken)
    {
        await encryption.ShredAsync(id, cancellationToken).ConfigureAwait(false);
        await blobs.DeleteAsync(BlobName(id), cancellationToken).ConfigureAwait(false);
        return await catalog.DeleteFileAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams <paramref name="content"/> to a blob (or a staged block of one) under <paramref name="keyId"/>'s data
    /// key, checking and hashing it on the way; the bytes are never all in memory (a pipe joins the encrypting writer
    /// to the store's reader).
    /// </summary>
    internal async Task<(Written Written, string? Error)> WriteAsync(string keyId, string blobName, Stream content, int part, long maxBytes,
        CancellationToken cancellationToken, string? blockId = null)
    {
        var inspector = new JsonlInspector();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Inline schedulers: the store's reader takes each chunk on the thread that flushed it, instead of a thread-pool
        // hop per 64 KiB chunk (and the writer resumes on the reader's thread after a pause); the store hands its writes
        // to the file system asynchronously, so neither side blocks the other.
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 16 * BufferBytes, resumeWriterThreshold: 8 * BufferBytes, useSynchronizationContext: false));
        var reader = pipe.Reader.AsStream();
        var store = StopReadingOnFailure(blockId is null
            ? blobs.WriteAsync(blobName, reader, cancellationToken)
            : blobs.StageBlockAsync(blobName, blockId, reader, cancellationToken), pipe.Reader);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        long total = 0;
        string? error = null;
        try
        {
            await using (var encrypting = await encryption.EncryptAsync(keyId, pipe.Writer.AsStream(leaveOpen: true), part, cancellationToken).ConfigureAwait(false))
            {
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        error = $"The file is larger than the limit of {maxBytes} bytes.";
                        break;
                    }
                    inspector.Append(buffer.AsSpan(0, read));
                    sha.AppendData(buffer, 0, read);
                    await encrypting.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            await store.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            try
            {
                await store.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The store saw the writer's failure; the writer's exception is the one to report.
            }
            inspector.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (new Written(total, Convert.ToHexStringLower(sha.GetHashAndReset()), inspector), error);
    }

    /// <summary>
    /// A store that fails (a full disk, a refused block) stops reading: its exception completes the pipe's reader, so
    /// the writer's next flush throws it instead of waiting for room in a pipe nobody empties until the client gives up.
    /// </summary>
    private static async Task StopReadingOnFailure(Task store, PipeReader reader)
    {
        try
        {
            await store.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await reader.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Removes what a failed create left: the blob, then the key.</summary>
    private async Task ForgetAsync(string id)
    {
        await blobs.DeleteAsync(BlobName(id), CancellationToken.None).ConfigureAwait(false);
        await encryption.ShredAsync(id, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>What a write saw: its size, its SHA-256 and the JSONL facts.</summary>
    internal readonly record struct Written(long Bytes, string Sha256, JsonlInspector Inspector);
}
