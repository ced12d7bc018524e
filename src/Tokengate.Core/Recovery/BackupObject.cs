namespace Tokengate.Recovery;

/// <summary>One blob in a backup, copied as stored (ciphertext: it is already encrypted under its object's data key).</summary>
/// <param name="Name">Its name in the target: <c>blobs/</c> + <see cref="Source"/>.</param>
/// <param name="Source">Its name in the gateway's blob store (<c>files/file-…</c>).</param>
/// <param name="Size">Bytes stored.</param>
/// <param name="Sha256">Hex SHA-256 of the stored ciphertext.</param>
/// <param name="KeyObjectId">The object whose data key encrypts it (the file id); its wrapped key is in the database snapshot.</param>
/// <param name="KekId">The KEK that wraps that data key (null when the snapshot has no key for it).</param>
/// <param name="CopiedIn">The id of the backup that copied it into the target.</param>
internal sealed record BackupObject(string Name, string Source, long Size, string Sha256, string KeyObjectId, string? KekId, string CopiedIn)
{
    public const string Prefix = "blobs/";
}
