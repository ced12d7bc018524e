using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Tokengate.Storage;

namespace Tokengate.Recovery;

/// <summary>
/// <c>tokengate dr restore</c>: makes an empty data folder the backup's state: the database snapshot decrypted into
/// <c>tokengate.db</c>, the blobs copied back into the configured blob store (each checked against the manifest's
/// SHA-256 as it streams). The files' data keys come back with the database, still wrapped by the KEKs the manifest
/// names: the restored gateway needs those KEKs configured (they are never in a backup).
/// </summary>
internal sealed class BackupRestorer(RecoveryServices services, TextWriter log)
{
    public async Task<RestoreResult> RunAsync(BackupTarget from, string? backupId, CancellationToken cancellationToken)
    {
        var data = services.Data;
        if (data.Provider != DatabaseProvider.Sqlite)
            throw new RecoveryException("dr restore makes a SQLite data folder; for PostgreSQL restore the server's own backup (pg_restore) and then the blobs: see docs/files-and-recovery.md.");
        var folder = Path.GetFullPath(data.Directory);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new RecoveryException($"{folder} is not empty: restore into an empty or new data folder.");

        var stopwatch = Stopwatch.StartNew();
        var set = new BackupSet(services.OpenTarget(from), from);
        var manifest = await set.ManifestAsync(backupId, cancellationToken).ConfigureAwait(false)
            ?? throw new RecoveryException($"{from} holds no backup (no manifests/*.json).");
        Directory.CreateDirectory(folder);
        var work = Directory.CreateTempSubdirectory("tokengate-dr-");
        try
        {
            await SnapshotDecryption.DecryptAsync(services, set, manifest, Path.Combine(work.FullName, "keys"), Path.Combine(folder, SqliteDatabase.FileName), cancellationToken)
                .ConfigureAwait(false);
            await log.WriteLineAsync($"database restored from {manifest.Database.Name} (as of {manifest.SnapshotAt:O})").ConfigureAwait(false);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }

        var bytes = manifest.Database.Size;
        if (manifest.Objects.Count > 0)
        {
            var blobs = services.OpenBlobStore();
            foreach (var entry in manifest.Objects)
            {
                var stored = await set.Store.OpenReadAsync(entry.Name, cancellationToken).ConfigureAwait(false)
                    ?? throw new RecoveryException($"{entry.Name}: missing from {from}; the restore is incomplete (delete {folder} before trying again).");
                (long Size, string Sha256) copy;
                await using (stored)
                    copy = await BackupSet.CopyAsync(blobs, entry.Source, stored, cancellationToken).ConfigureAwait(false);
                if (copy.Size != entry.Size || copy.Sha256 != entry.Sha256)
                {
                    await blobs.DeleteAsync(entry.Source, cancellationToken).ConfigureAwait(false);
                    throw new RecoveryException($"{entry.Name}: {copy.Size:N0} bytes with SHA-256 {copy.Sha256}, the manifest says {entry.Size:N0} bytes, {entry.Sha256}; the restore is incomplete (delete {folder} before trying again).");
                }
                bytes += copy.Size;
            }
        }
        stopwatch.Stop();
        var keks = manifest.Objects.Select(o => o.KekId).OfType<string>().Append(manifest.Database.KekId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        await log.WriteLineAsync($"{manifest.Objects.Count} blobs restored; {bytes:N0} bytes in {stopwatch.Elapsed.TotalSeconds:0.000} s; the data keys need the key-encryption keys {string.Join(", ", keks)}").ConfigureAwait(false);
        return new RestoreResult(manifest, folder, bytes, stopwatch.Elapsed);
    }
}
