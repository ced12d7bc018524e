namespace Tokengate.Encryption;

/// <summary>
/// The ciphertext of an object is not what was written under its key: a changed byte, a missing final chunk
/// (truncation), chunks or parts out of order, another object's ciphertext, or not ciphertext at all.
/// </summary>
internal sealed class CiphertextInvalidException(string objectId, string problem)
    : EnvelopeEncryptionException($"The encrypted data of '{objectId}' cannot be decrypted: {problem}")
{
    public string ObjectId { get; } = objectId;
}
