using System.Security.Cryptography;
using Tokengate.Secrets;

namespace Tokengate.Encryption;

/// <summary>A local key-encryption key: base64 of 32 random bytes in a file with owner-only permissions.</summary>
internal static class LocalKeyFile
{
    public const int Size = 32;

    /// <summary>The key in <paramref name="path"/>.</summary>
    /// <exception cref="KeyEncryptionKeyException">No such file, unreadable, or not a 32-byte base64 key.</exception>
    public static byte[] Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeyEncryptionKeyException($"the key file '{path}' does not exist; create one with 'tokengate encryption create-key --out {path}'.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyEncryptionKeyException($"the key file '{path}' cannot be read: {ex.Message}", ex);
        }
        var key = new byte[Size];
        if (!Convert.TryFromBase64String(text.Trim(), key, out var written) || written != Size)
            throw new KeyEncryptionKeyException($"the key file '{path}' does not hold a key (base64 of 32 bytes).");
        return key;
    }

    /// <summary>
    /// Writes a new random key to <paramref name="path"/> (mode 0600, its folder made 0700 when it is new); an existing
    /// file is never replaced, since the data keys it wraps would be lost with it.
    /// </summary>
    public static void Create(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new InvalidOperationException($"the key file '{full}' already exists; it is never overwritten (the data keys it wraps would be lost).");
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var key = RandomNumberGenerator.GetBytes(Size);
        try
        {
            SecretFile.WritePrivate(full, System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"), overwrite: false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
