namespace Tokengate.Recovery;

/// <summary>
/// The database snapshot in a backup: encrypted under its own backup data key (<see cref="KeyObjectId"/>), which is
/// kept here only wrapped by the key-encryption key <see cref="KekId"/>.
/// </summary>
/// <param name="Name">Its name in the target (<c>snapshots/{id}.db.enc</c>).</param>
/// <param name="Size">Bytes stored (ciphertext).</param>
/// <param name="Sha256">Hex SHA-256 of the stored ciphertext.</param>
/// <param name="PlainSize">Bytes of the database file it decrypts to.</param>
/// <param name="KeyObjectId">The object id its data key is bound to.</param>
/// <param name="WrappedKey">Base64 of the wrapped backup data key (useless without the KEK).</param>
/// <param name="KekId">The KEK that wraps it: a local key id, or a Key Vault key URL with version.</param>
internal sealed record BackupDatabaseEntry(string Name, long Size, string Sha256, long PlainSize, string KeyObjectId, string WrappedKey, string KekId);
