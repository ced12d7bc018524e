using System.Security.Cryptography;
using Tokengate.Configuration;

namespace Tokengate.Secrets;

/// <summary>The AES-256 key of the secret file: base64 of 32 random bytes, in a key file (mode 0600) or a variable.</summary>
internal static class SecretFileKey
{
    public const int Size = 32;

    /// <exception cref="InvalidOperationException">No key where the options point, or not a 32-byte base64 key.</exception>
    public static byte[] Read(SecretsOptions options)
    {
        string text;
        string source;
        if (!string.IsNullOrEmpty(options.KeyEnvironmentVariable))
        {
            source = $"the environment variable '{options.KeyEnvironmentVariable}'";
            text = Environment.GetEnvironmentVariable(options.KeyEnvironmentVariable)
                ?? throw new InvalidOperationException($"the secret file key is to come from {source}, which is not set.");
        }
        else
        {
            source = $"the key file '{options.KeyPath}'";
            try
            {
                text = File.ReadAllText(options.KeyPath);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new InvalidOperationException($"{source} does not exist; create it with 'tokengate secrets init', or set Tokengate:Secrets:KeyPath.", ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"{source} cannot be read: {ex.Message}", ex);
            }
        }

        var key = new byte[Size];
        if (!Convert.TryFromBase64String(text.Trim(), key, out var written) || written != Size)
            throw new InvalidOperationException($"{source} does not hold a secret file key (base64 of 32 bytes).");
        return key;
    }

    /// <summary>A new random key written to <paramref name="path"/> with mode 0600; an existing key is never replaced.</summary>
    public static byte[] Create(string path)
    {
        if (File.Exists(path)) throw new InvalidOperationException($"the key file '{path}' already exists; it is never overwritten (the secrets sealed with it would be lost).");
        var key = RandomNumberGenerator.GetBytes(Size);
        SecretFile.WritePrivate(path, System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"), overwrite: false);
        return key;
    }
}
