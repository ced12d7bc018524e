using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Tokengate.Encryption;

/// <summary>
/// The configured key-encryption keys: wraps new data keys with the current one and unwraps with whichever the stored
/// key id names (a local key id, or a version of the Key Vault key). Local keys are read from their files on first use
/// and kept; the default key is made when it does not exist yet. A local wrap is AES-256-GCM:
/// <c>nonce (12) | wrapped key (32) | tag (16)</c>, bound to the key id and the object id.
/// </summary>
internal sealed class KeyEncryptionKeys(EncryptionKeySettings settings, KeyVaultKeyClient? vault)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int WrappedSize = NonceSize + LocalKeyFile.Size + TagSize;
    private readonly ConcurrentDictionary<string, Lazy<byte[]>> _local = new(StringComparer.Ordinal);

    /// <summary>The id recorded with each data key the current KEK wraps.</summary>
    public string CurrentKeyId => settings.CurrentKeyId ?? throw new KeyEncryptionKeyException("no current key-encryption key is configured (Tokengate:Encryption:CurrentKey).");

    public EncryptionKeySettings Settings => settings;

    /// <summary>Makes the default key when it is in use and missing; true when it was made now.</summary>
    public bool EnsureDefaultKey()
    {
        if (!settings.IsDefault) return false;
        var path = settings.LocalKeys[EncryptionKeySettings.DefaultKeyId];
        if (File.Exists(path)) return false;
        try
        {
            LocalKeyFile.Create(path);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;  // made by another instance or thread in between
        }
    }

    public async Task<byte[]> WrapAsync(string objectId, byte[] dataKey, CancellationToken cancellationToken)
    {
        var id = CurrentKeyId;
        if (vault is not null && id == vault.Key.AbsoluteUri) return await vault.WrapAsync(dataKey, cancellationToken).ConfigureAwait(false);

        var kek = Local(id);
        var wrapped = new byte[WrappedSize];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceSize));
        using var aes = new AesGcm(kek, TagSize);
        aes.Encrypt(wrapped.AsSpan(0, NonceSize), dataKey, wrapped.AsSpan(NonceSize, LocalKeyFile.Size), wrapped.AsSpan(NonceSize + LocalKeyFile.Size), Binding(id, objectId));
        return wrapped;
    }

    public async Task<byte[]> UnwrapAsync(string objectId, string keyId, byte[] wrapped, CancellationToken cancellationToken)
    {
        if (keyId.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || keyId.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            if (vault is null)
                throw new KeyEncryptionKeyException($"the data key of '{objectId}' is wrapped by the Key Vault key '{keyId}', but Tokengate:Encryption:KeyVaultKey is not set.");
            var key = await vault.UnwrapAsync(keyId, wrapped, cancellationToken).ConfigureAwait(false);
            if (key.Length != LocalKeyFile.Size) throw new KeyEncryptionKeyException($"the Key Vault key '{keyId}' unwrapped a data key of {key.Length} bytes for '{objectId}'.");
            return key;
        }

        var kek = Local(keyId);
        if (wrapped.Length != WrappedSize) throw new KeyEncryptionKeyException($"the wrapped data key of '{objectId}' is damaged (length {wrapped.Length}).");
        var dataKey = new byte[LocalKeyFile.Size];
        using var aes = new AesGcm(kek, TagSize);
        try
        {
            aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize, LocalKeyFile.Size), wrapped.AsSpan(NonceSize + LocalKeyFile.Size), dataKey, Binding(keyId, objectId));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new KeyEncryptionKeyException($"the data key of '{objectId}' cannot be unwrapped with the local key '{keyId}': the key file is not the one it was wrapped with, or the stored key was changed.", ex);
        }
        return dataKey;
    }

    private byte[] Local(string id)
    {
        if (!settings.LocalKeys.TryGetValue(id, out var path))
            throw new KeyEncryptionKeyException($"the key-encryption key '{id}' is not configured (Tokengate:Encryption:LocalKeys); add it back, or rotate before removing it.");
        var lazy = _local.GetOrAdd(id, static (_, p) => new Lazy<byte[]>(() => LocalKeyFile.Read(p)), path);
        try
        {
            return lazy.Value;
        }
        catch (KeyEncryptionKeyException)
        {
            _local.TryRemove(new KeyValuePair<string, Lazy<byte[]>>(id, lazy));  // a file put in place later is read then
            throw;
        }
    }

    private static byte[] Binding(string keyId, string objectId) => Encoding.UTF8.GetBytes("tokengate-data-key\0" + keyId + "\0" + objectId);
}
