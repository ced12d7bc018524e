namespace Tokengate.Encryption;

/// <summary>
/// A key-encryption key is not available: a key file that is missing or malformed, a key id no longer configured, or
/// a Key Vault that refused or could not be reached (its host not on the outbound allowlist, no identity, a 403).
/// </summary>
internal sealed class KeyEncryptionKeyException(string message, Exception? inner = null) : EnvelopeEncryptionException(message, inner);
