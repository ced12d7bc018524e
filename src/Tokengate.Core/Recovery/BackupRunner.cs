using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Tokengate.Files;
using Tokengate.Storage;

namespace Tokengate.Recovery;

/// <summary>
/// <c>tokengate dr backup</c>: a consistent, encrypted, incremental copy of the gateway's data into a target store.
/// The database is copied whole each time (SQLite's online backup API, as of one moment) and encrypted under a new
/// backup data key; the blobs the snapshot's files live in are copied as they are stored (ciphertext), only those the
/// target's previous backup does not already hold (blobs are immutable by name). The manifest is written last.
/// </summary>
internal sealed class BackupRunner(RecoveryServices services, TextWriter log)
{
    public const string SnapshotPrefix = "snapshots/";

    public async Task<BackupManifest> RunAsync(BackupTarget target, CancellationToken cancellationToken)
    {
        var data = services.Data;
        if (data.Provider != DatabaseProvider.Sqlite)
            throw new RecoveryException("dr backup copies a SQLite database; for PostgreSQL use the server's own backups (pg_dump, or point-in-time recovery): see docs/files-and-recovery.md.");
        var database = services.OpenDatabase();
        var time = services.Time;
        var set = new BackupSet(services.OpenTarget(target), target);
        var previous = await set.ManifestAsync(null, cancellationToken).ConfigureAwait(false);
        var id = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        if (previous is not null && string.CompareOrdinal(id, previous.Id) <= 0)
            throw new RecoveryException($"{target} already has backup {previous.Id}, not older than this one ({id}): is the clock right?");

        var work = Directory.CreateTempSubdirectory("tokengate-dr-");
        try
        {
            // 1. The database as of one moment, into a private temporary file.
            var plain = Path.Combine(work.FullName, "snapshot.db");
            var snapshotAt = await SqliteSnapshot.TakeAsync(database, plain, time, cancellationToken).ConfigureAwait(false);
            var tables = await SnapshotReader.TableCountsAsync(plain, cancellationToken).ConfigureAwait(false);
            var files = await SnapshotReader.FilesAsync(plain, cancellationToken).ConfigureAwait(false);
            var plainSize = new FileInfo(plain).Length;

            // 2. Encrypted under a new backup data key; the plain copy is deleted as soon as it is encrypted.
            var keyObjectId = "tokengate-backup-" + id;
            var (encryption, wrappedKey, kekId) = await BackupKeys.CreateAsync(services, Path.Combine(work.FullName, "keys"), keyObjectId, cancellationToken).ConfigureAwait(false);
            var encrypted = Path.Combine(work.FullName, "snapshot.db.enc");
            await using (var output = File.Create(encrypted))
            {
                await using var encrypting = await encryption.EncryptAsync(keyObjectId, output, 1, cancellationToken).ConfigureAwait(false);
                await using var input = File.OpenRead(plain);
                await input.CopyToAsync(encrypting, cancellationToken).ConfigureAwait(false);
            }
            SqliteConnection.ClearAllPools();
            File.Delete(plain);

            var snapshotName = SnapshotPrefix + id + ".db.enc";
            long size;
            string sha256;
            await using (var input = File.OpenRead(encrypted))
                (size, sha256) = await BackupSet.CopyAsync(set.Store, snapshotName, input, cancellationToken).ConfigureAwait(false);
            var databaseEntry = new BackupDatabaseEntry(snapshotName, size, sha256, plainSize, keyObjectId, wrappedKey, kekId);
            await log.WriteLineAsync($"database snapshot as of {snapshotAt:O}: {plainSize:N0} bytes, {size:N0} encrypted").ConfigureAwait(false);

            // 3. The blobs of the snapshot's files, as stored; names the previous backup holds are not copied again.
            var known = previous?.Objects.ToDictionary(o => o.Name, StringComparer.Ordinal) ?? [];
            var objects = new List<BackupObject>(files.Count);
            int copied = 0, reused = 0;
            var blobs = files.Count > 0 ? services.OpenBlobStore() : null;
            foreach (var file in files)
            {
                var source = FileService.BlobName(file.Id);
                var name = BackupObject.Prefix + source;
                if (known.TryGetValue(name, out var earlier))
                {
                    objects.Add(earlier with { KekId = file.KekId });  // a rotation re-wraps keys, never the bytes
                    reused++;
                    continue;
                }
                var content = await blobs!.OpenReadAsync(source, cancellationToken).ConfigureAwait(false);
                if (content is null)
                {
                    // Deleted after the snapshot was taken (its key is shredded by now, so it could not be read anyway).
                    await log.WriteLineAsync($"skipped {source}: deleted since the snapshot").ConfigureAwait(false);
                    continue;
                }
                (long Size, string Sha256) copy;
                await using (content)
                    copy = await BackupSet.CopyAsync(set.Store, name, content, cancellationToken).ConfigureAwait(false);
                objects.Add(new BackupObject(name, source, copy.Size, copy.Sha256, file.Id, file.KekId, id));
                copied++;
            }

            // 4. The manifest last: until it is written the backup does not exist.
            var manifest = new BackupManifest(BackupManifest.CurrentFormat, id, snapshotAt, time.GetUtcNow(), GatewayVersion, data.Provider.ToString(),
                previous?.Id, databaseEntry, objects, tables, copied, reused);
            await set.WriteManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
            await log.WriteLineAsync($"backup {id} to {target}: {objects.Count} blobs ({copied} copied, {reused} already there), manifest {BackupManifest.NameOf(id)}").ConfigureAwait(false);
            return manifest;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }
    }

    public static string GatewayVersion { get; } =
        typeof(BackupRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
