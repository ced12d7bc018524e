namespace Tokengate.Encryption;

/// <summary>
/// Envelope encryption of what consumers send (file contents, upload parts, logged prompts): each object has its own
/// AES-256-GCM data key, stored only wrapped by the key-encryption key (a local key file, or an Azure Key Vault key).
/// Ciphertext is a sequence of self-delimiting authenticated chunks, so the encrypted parts of an upload, concatenated
/// in order, decrypt as one object. Rotating the key-encryption key re-wraps data keys without touching the data;
/// destroying an object's data key (crypto-shredding) makes every copy of its ciphertext unreadable, backups included.
/// The implementation is <see cref="EnvelopeEncryption"/>, registered by <see cref="EncryptionRegistration.AddEncryption"/>;
/// the format is <see cref="EncryptedChunk"/>. Failures are <see cref="EnvelopeEncryptionException"/>s:
/// <see cref="CiphertextInvalidException"/>, <see cref="DataKeyDestroyedException"/>, <see cref="DataKeyNotFoundException"/>,
/// <see cref="KeyEncryptionKeyException"/>.
/// </summary>
internal interface IEnvelopeEncryption
{
    /// <summary>
    /// Creates, wraps and stores a data key for <paramref name="objectId"/> (replacing none: an object has one key for
    /// life; an id that has or had a key throws <see cref="InvalidOperationException"/>). Ids are at most 512 characters.
    /// </summary>
    Task CreateKeyAsync(string objectId, CancellationToken cancellationToken);

    /// <summary>
    /// A stream that encrypts what is written to it under <paramref name="objectId"/>'s key and writes the chunks to
    /// <paramref name="destination"/>; <paramref name="part"/> numbers the piece of the object (1 for a whole object, a
    /// distinct number for each upload part): pieces concatenated in any order decrypt, each whole, none twice; the
    /// order is bound by the file's recorded SHA-256, which readers check. Dispose it to write the last chunk; disposing writes it
    /// even after a failed copy, so discard the destination when the copy fails. The destination is left open.
    /// Throws <see cref="DataKeyNotFoundException"/> or <see cref="DataKeyDestroyedException"/> when there is no key.
    /// </summary>
    Task<Stream> EncryptAsync(string objectId, Stream destination, int part, CancellationToken cancellationToken);

    /// <summary>
    /// A stream of the plaintext of <paramref name="source"/> (the whole object's chunks, parts in order), decrypted a
    /// chunk at a time; reading throws <see cref="CiphertextInvalidException"/> on a changed byte, truncation, chunks out
    /// of order within a part, a part repeated, or another object's data, before any byte of the bad chunk is returned. Disposing it disposes
    /// <paramref name="source"/>. Throws <see cref="DataKeyDestroyedException"/> once the key was shredded.
    /// </summary>
    Task<Stream> DecryptAsync(string objectId, Stream source, CancellationToken cancellationToken);

    /// <summary>
    /// Destroys <paramref name="objectId"/>'s data key: its ciphertext, wherever a copy lies, cannot be read again (streams
    /// already open finish). Idempotent; an id shredded before it had a key never gets one.
    /// </summary>
    Task ShredAsync(string objectId, CancellationToken cancellationToken);

    /// <summary>
    /// Re-wraps every data key not yet wrapped by the current key-encryption key with it, in batches; every key stays
    /// readable throughout, and keys created or shredded meanwhile keep what happened to them. Returns how many were re-wrapped.
    /// </summary>
    Task<int> RotateAsync(CancellationToken cancellationToken);
}
