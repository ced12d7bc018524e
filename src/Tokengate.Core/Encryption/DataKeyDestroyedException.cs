namespace Tokengate.Encryption;

/// <summary>The object's data key was destroyed (crypto-shredded): no copy of its ciphertext can be read again.</summary>
internal sealed class DataKeyDestroyedException(string objectId)
    : EnvelopeEncryptionException($"The data key of '{objectId}' was destroyed; its data cannot be decrypted.")
{
    public string ObjectId { get; } = objectId;
}
