using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tokengate.Secrets;

/// <summary>
/// The local secret file: named secrets as one JSON object, sealed with AES-256-GCM under a key kept elsewhere
/// (<see cref="SecretFileKey"/>). Layout: <c>TGSF</c>, format version, 12-byte nonce, 16-byte tag, ciphertext; the
/// first five bytes are authenticated too, so no part of the file can be changed unnoticed.
/// </summary>
internal static class SecretFile
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Header = "TGSF\u0001"u8.ToArray();

    /// <summary>Secret names: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>, 1 to 128 characters.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128) return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.')) return false;
        }
        return true;
    }

    /// <exception cref="InvalidOperationException">Missing, damaged or tampered file, or the wrong key; the message says which.</exception>
    public static Dictionary<string, string> Read(string path, ReadOnlySpan<byte> key)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidOperationException($"the secret file '{path}' does not exist; create it with 'tokengate secrets init'.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"the secret file '{path}' cannot be read: {ex.Message}", ex);
        }

        if (data.Length < Header.Length + NonceSize + TagSize || !data.AsSpan(0, Header.Length).SequenceEqual(Header))
            throw new InvalidOperationException($"'{path}' is not a Tokengate secret file (it was not written by 'tokengate secrets').");

        var nonce = data.AsSpan(Header.Length, NonceSize);
        var tag = data.AsSpan(Header.Length + NonceSize, TagSize);
        var ciphertext = data.AsSpan(Header.Length + NonceSize + TagSize);
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, Header);
            return JsonSerializer.Deserialize(plaintext, SecretFileJsonContext.Default.DictionaryStringString)
                ?? throw new InvalidOperationException($"the secret file '{path}' is empty inside.");
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new InvalidOperationException(
                $"the secret file '{path}' cannot be decrypted: it was changed outside 'tokengate secrets', or the key is not the one it was written with.", ex);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"the secret file '{path}' decrypted to something that is not a secret list.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Writes the whole file anew (fresh nonce) through a temporary file, so a crash never leaves half a file.</summary>
    public static void Write(string path, ReadOnlySpan<byte> key, IReadOnlyDictionary<string, string> secrets)
    {
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>(secrets, StringComparer.Ordinal), SecretFileJsonContext.Default.DictionaryStringString);
        var data = new byte[Header.Length + NonceSize + TagSize + plaintext.Length];
        try
        {
            Header.CopyTo(data, 0);
            var nonce = data.AsSpan(Header.Length, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using (var aes = new AesGcm(key, TagSize))
            {
                aes.Encrypt(nonce, plaintext, data.AsSpan(Header.Length + NonceSize + TagSize), data.AsSpan(Header.Length + NonceSize, TagSize), Header);
            }
            WritePrivate(path, data, overwrite: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Creates or replaces a file readable by its owner only (mode 0600 where the platform has modes).</summary>
    public static void WritePrivate(string path, ReadOnlySpan<byte> content, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + BinaryPrimitives.ReadUInt32LittleEndian(RandomNumberGenerator.GetBytes(4)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
