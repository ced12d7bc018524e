using Microsoft.Data.Sqlite;

namespace Tokengate.Recovery;

/// <summary>Decrypts a backup's database snapshot into a file, checking the stored ciphertext against the manifest on the way.</summary>
internal static class SnapshotDecryption
{
    /// <summary>
    /// Writes the plain database to <paramref name="destination"/> (through a temporary name beside it, renamed when
    /// complete and checked). Throws <see cref="RecoveryException"/> when the snapshot is missing, changed, or cannot
    /// be decrypted with the configured key-encryption keys.
    /// </summary>
    public static async Task DecryptAsync(RecoveryServices services, BackupSet set, BackupManifest manifest, string scratchFolder, string destination, CancellationToken cancellationToken)
    {
        var entry = manifest.Database;
        // The stored ciphertext first (the decrypting stream owns what it reads, so it is read a second time below).
        var found = await BackupSet.HashAsync(set.Store, entry.Name, cancellationToken).ConfigureAwait(false)
            ?? throw new RecoveryException($"{entry.Name}: missing from {set.Target}.");
        if (found.Size != entry.Size || found.Sha256 != entry.Sha256)
            throw new RecoveryException($"{entry.Name}: {found.Size:N0} bytes with SHA-256 {found.Sha256}, the manifest says {entry.Size:N0} bytes, {entry.Sha256}.");
        var stored = await set.Store.OpenReadAsync(entry.Name, cancellationToken).ConfigureAwait(false)
            ?? throw new RecoveryException($"{entry.Name}: missing from {set.Target}.");
        var partial = destination + ".partial";
        try
        {
            var encryption = await BackupKeys.OpenAsync(services, scratchFolder, entry, cancellationToken).ConfigureAwait(false);
            await using var plain = await encryption.DecryptAsync(entry.KeyObjectId, stored, cancellationToken).ConfigureAwait(false);
            await using var output = File.Create(partial);
            await plain.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or RecoveryException))
        {
            File.Delete(partial);
            throw new RecoveryException($"{entry.Name}: does not decrypt with the configured key-encryption keys (its key is wrapped by '{entry.KekId}'): {ex.Message}", ex);
        }
        finally
        {
            await stored.DisposeAsync().ConfigureAwait(false);
        }
        var length = new FileInfo(partial).Length;
        if (length != entry.PlainSize)
        {
            File.Delete(partial);
            throw new RecoveryException($"{entry.Name}: decrypted to {length:N0} bytes, the manifest says {entry.PlainSize:N0}.");
        }
        await CheckIntegrityAsync(partial, entry.Name, cancellationToken).ConfigureAwait(false);
        File.Move(partial, destination);
    }

    private static async Task CheckIntegrityAsync(string path, string name, CancellationToken cancellationToken)
    {
        string? result;
        await using (var connection = new SqliteConnection(SqliteSnapshot.ConnectionString(path, readOnly: true)))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        if (result != "ok")
        {
            File.Delete(path);
            throw new RecoveryException($"{name}: the decrypted database fails SQLite's check: {result}");
        }
    }
}
