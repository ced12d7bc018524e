using System.Security.Cryptography;
using Tokengate.Secrets;

namespace Tokengate.Logging;

/// <summary>
/// An encrypted request log file (envelope encryption): a fresh 256-bit data key per file encrypts the content
/// with AES-GCM; the data key is itself AES-GCM-wrapped by the configured key-encryption key. Layout: <c>TGRL</c>,
/// version, 8-byte key id (SHA-256 prefix of the key-encryption key, so a reader knows which key it needs), wrap
/// nonce, wrap tag, wrapped data key, nonce, tag, ciphertext. The header and key id are authenticated by both.
/// </summary>
internal static class RequestLogFile
{
    public const string Extension = ".tglog";
    private const int KeySize = 32;
    private const int KeyIdSize = 8;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Magic = "TGRL\u0001"u8.ToArray();
    private static readonly int HeaderSize = Magic.Length + KeyIdSize;

    public static byte[] KeyId(ReadOnlySpan<byte> keyEncryptionKey) => SHA256.HashData(keyEncryptionKey)[..KeyIdSize];

    public static void Write(string path, ReadOnlySpan<byte> keyEncryptionKey, ReadOnlySpan<byte> plaintext)
    {
        var data = new byte[HeaderSize + NonceSize + TagSize + KeySize + NonceSize + TagSize + plaintext.Length];
        Span<byte> dataKey = stackalloc byte[KeySize];
        try
        {
            RandomNumberGenerator.Fill(dataKey);
            Magic.CopyTo(data, 0);
            KeyId(keyEncryptionKey).CopyTo(data, Magic.Length);
            var header = data.AsSpan(0, HeaderSize);
            var at = HeaderSize;
            var wrapNonce = data.AsSpan(at, NonceSize);
            RandomNumberGenerator.Fill(wrapNonce);
            using (var kek = new AesGcm(keyEncryptionKey, TagSize))
                kek.Encrypt(wrapNonce, dataKey, data.AsSpan(at + NonceSize + TagSize, KeySize), data.AsSpan(at + NonceSize, TagSize), header);
            at += NonceSize + TagSize + KeySize;
            var nonce = data.AsSpan(at, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using (var aes = new AesGcm(dataKey, TagSize))
                aes.Encrypt(nonce, plaintext, data.AsSpan(at + NonceSize + TagSize), data.AsSpan(at + NonceSize, TagSize), header);
            SecretFile.WritePrivate(path, data, overwrite: false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <exception cref="InvalidOperationException">Not a request log file, the wrong key, or tampered with.</exception>
    public static byte[] Read(string path, ReadOnlySpan<byte> keyEncryptionKey)
    {
        var data = File.ReadAllBytes(path);
        var minimum = HeaderSize + NonceSize + TagSize + KeySize + NonceSize + TagSize;
        if (data.Length < minimum || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidOperationException($"'{path}' is not a Tokengate request log file.");
        var header = data.AsSpan(0, HeaderSize);
        if (!header[Magic.Length..].SequenceEqual(KeyId(keyEncryptionKey)))
            throw new InvalidOperationException($"'{path}' was written with another key (key id {Convert.ToHexString(header[Magic.Length..])}).");
        Span<byte> dataKey = stackalloc byte[KeySize];
        try
        {
            var at = HeaderSize;
            using (var kek = new AesGcm(keyEncryptionKey, TagSize))
                kek.Decrypt(data.AsSpan(at, NonceSize), data.AsSpan(at + NonceSize + TagSize, KeySize), data.AsSpan(at + NonceSize, TagSize), dataKey, header);
            at += NonceSize + TagSize + KeySize;
            var ciphertext = data.AsSpan(at + NonceSize + TagSize);
            var plaintext = new byte[ciphertext.Length];
            using (var aes = new AesGcm(dataKey, TagSize))
                aes.Decrypt(data.AsSpan(at, NonceSize), ciphertext, data.AsSpan(at + NonceSize, TagSize), plaintext, header);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new InvalidOperationException($"'{path}' cannot be decrypted: it was changed, or the key is not the one it was written with.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }
}
