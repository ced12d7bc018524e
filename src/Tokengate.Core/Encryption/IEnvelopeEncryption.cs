namespace Tokengate.Encryption;

/// <summary>
/// Envelope encryption of what consumers send (file contents, upload parts, logged prompts): each object has its own
/// AES-256-GCM data key, stored only wrapped by the key-encryption key (a local key file, or an Azure Key Vault key).
/// Ciphertext is a sequence of self-delimiting authenticated chunks, so the encrypted parts of an upload, concatenated
/// in order, decrypt as one object. Rotating the key-encryption key re-wraps data keys without touching the data;
/// destroying an object's data key (crypto-shredding) makes every copy of its ciphertext unreadable, backups included.
/// </summary>
internal interface IEnvelopeEncryption
{
    /// <summary>Creates, wraps and stores a data key for <paramref name="objectId"/> (replacing none: an object has one key for life).</summary>
    Task CreateKeyAsync(string objectId, CancellationToken cancellationToken);

    /// <summary>
    /// A stream that encrypts what is written to it under <paramref name="objectId"/>'s key and writes the chunks to
    /// <paramref name="destination"/>; <paramref name="part"/> numbers the piece of the object (1 for a whole object,
    /// the part number for an upload part) so pieces decrypt only in their committed order. Dispose it to write the last chunk.
    /// </summary>
    Task<Stream> EncryptAsync(string objectId, Stream destination, int part, CancellationToken cancellationToken);

    /// <summary>A stream of the plaintext of <paramref name="source"/> (the whole object's chunks, parts in order); it throws on tampering.</summary>
    Task<Stream> DecryptAsync(string objectId, Stream source, CancellationToken cancellationToken);

    /// <summary>Destroys <paramref name="objectId"/>'s data key: its ciphertext, wherever a copy lies, cannot be read again.</summary>
    Task ShredAsync(string objectId, CancellationToken cancellationToken);

    /// <summary>Re-wraps every data key with the current key-encryption key; returns how many were re-wrapped.</summary>
    Task<int> RotateAsync(CancellationToken cancellationToken);
}
