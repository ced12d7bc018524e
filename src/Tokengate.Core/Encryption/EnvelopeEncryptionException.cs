namespace Tokengate.Encryption;

/// <summary>
/// Encrypted data could not be read or written. The subclasses say why: the ciphertext is not what was written
/// (<see cref="CiphertextInvalidException"/>), the object's data key was destroyed or never made
/// (<see cref="DataKeyDestroyedException"/>, <see cref="DataKeyNotFoundException"/>), or the key-encryption key is not
/// available (<see cref="KeyEncryptionKeyException"/>). Messages name objects and keys, never key material.
/// </summary>
internal abstract class EnvelopeEncryptionException : Exception
{
    protected EnvelopeEncryptionException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
