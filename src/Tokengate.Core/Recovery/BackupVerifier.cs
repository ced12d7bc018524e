using Microsoft.Data.Sqlite;
using Tokengate.Storage;

namespace Tokengate.Recovery;

/// <summary>
/// <c>tokengate dr verify</c>: every object the manifest lists is in the target with its size and SHA-256; the
/// database snapshot decrypts with the configured key-encryption keys and passes SQLite's check; and every file's data
/// key (from the snapshot) unwraps with the configured KEKs and decrypts its blob to the digest its catalog row
/// records. Nothing is written to the target or the data folder: the decrypted snapshot lives in a private temporary
/// folder until the check ends, and file contents are hashed as they stream, never stored.
/// </summary>
internal sealed class BackupVerifier(RecoveryServices services)
{
    public async Task<VerifyReport> RunAsync(BackupTarget target, string? backupId, CancellationToken cancellationToken)
    {
        var set = new BackupSet(services.OpenTarget(target), target);
        var manifest = await set.ManifestAsync(backupId, cancellationToken).ConfigureAwait(false)
            ?? throw new RecoveryException($"{target} holds no backup (no manifests/*.json).");
        var problems = new List<string>();
        var warnings = new List<string>();
        var checkedObjects = 0;

        foreach (var (name, size, sha256) in manifest.Objects.Select(o => (o.Name, o.Size, o.Sha256)).Prepend((manifest.Database.Name, manifest.Database.Size, manifest.Database.Sha256)))
        {
            var found = await BackupSet.HashAsync(set.Store, name, cancellationToken).ConfigureAwait(false);
            checkedObjects++;
            if (found is null) problems.Add($"{name}: missing.");
            else if (found.Value.Size != size || found.Value.Sha256 != sha256)
                problems.Add($"{name}: {found.Value.Size:N0} bytes with SHA-256 {found.Value.Sha256}; the manifest says {size:N0} bytes, {sha256}.");
        }

        var decrypted = 0;
        var work = Directory.CreateTempSubdirectory("tokengate-dr-");
        try
        {
            var snapshotFolder = Path.Combine(work.FullName, "snapshot");
            Directory.CreateDirectory(snapshotFolder);
            var snapshot = Path.Combine(snapshotFolder, SqliteDatabase.FileName);
            try
            {
                await SnapshotDecryption.DecryptAsync(services, set, manifest, Path.Combine(work.FullName, "keys"), snapshot, cancellationToken).ConfigureAwait(false);
            }
            catch (RecoveryException ex)
            {
                problems.Add(ex.Message);
                return new VerifyReport(manifest.Id, target.ToString(), checkedObjects, 0, problems, warnings);
            }

            var files = (await SnapshotReader.FilesAsync(snapshot, cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.Id, StringComparer.Ordinal);
            var byFile = manifest.Objects.ToDictionary(o => o.KeyObjectId, StringComparer.Ordinal);
            foreach (var file in files.Values.Where(f => !byFile.ContainsKey(f.Id)))
                warnings.Add($"{file.Id}: in the snapshot but not in the backup (deleted between the snapshot and the copy); it will be listed but unreadable after a restore.");

            var encryption = services.EncryptionOver(new SqliteDatabase(snapshotFolder));
            foreach (var entry in manifest.Objects)
            {
                if (!files.TryGetValue(entry.KeyObjectId, out var file))
                {
                    problems.Add($"{entry.Name}: its file {entry.KeyObjectId} is not in the database snapshot.");
                    continue;
                }
                var stored = await set.Store.OpenReadAsync(entry.Name, cancellationToken).ConfigureAwait(false);
                if (stored is null) continue;  // reported above
                try
                {
                    await using (stored)
                    {
                        await using var plain = await encryption.DecryptAsync(file.Id, stored, cancellationToken).ConfigureAwait(false);
                        await using var hashing = new HashingReadStream(plain);
                        await hashing.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                        var sha256 = hashing.Sha256Hex();
                        if (hashing.BytesRead != file.Bytes || sha256 != file.Sha256)
                            problems.Add($"{entry.Name}: decrypts to {hashing.BytesRead:N0} bytes with SHA-256 {sha256}; the file {file.Id} has {file.Bytes:N0} bytes, {file.Sha256}.");
                        else decrypted++;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    problems.Add($"{entry.Name}: the data key of {file.Id} (wrapped by '{file.KekId}') does not unwrap, or the ciphertext does not decrypt, with the configured key-encryption keys: {ex.Message}");
                }
            }
            return new VerifyReport(manifest.Id, target.ToString(), checkedObjects, decrypted, problems, warnings);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }
    }
}
