using System.Security.Cryptography;
using System.Text;

namespace Tokengate.Identity;

/// <summary>The SHA-256 of a consumer key, the only form in which keys are kept.</summary>
internal static class KeyHash
{
    public const string Prefix = "sha256:";

    /// <summary>Hex (upper case) of the key's SHA-256, written into <paramref name="destination"/> (64 chars).</summary>
    public static void ComputeHex(ReadOnlySpan<char> key, Span<char> destination)
    {
        Span<byte> utf8 = key.Length <= 256 ? stackalloc byte[key.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var written = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..written], hash);
        Convert.TryToHexString(hash, destination, out _);
    }

    /// <summary>The configuration form of a key's hash: <c>sha256:</c> + 64 hex digits.</summary>
    public static string Format(string key)
    {
        Span<char> hex = stackalloc char[64];
        ComputeHex(key, hex);
        return Prefix + new string(hex).ToLowerInvariant();
    }

    /// <summary>Parses the configuration form into upper-case hex, the lookup form.</summary>
    public static bool TryParse(string value, out string hex)
    {
        hex = "";
        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || value.Length != Prefix.Length + 64) return false;
        var digits = value.AsSpan(Prefix.Length);
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        hex = digits.ToString().ToUpperInvariant();
        return true;
    }
}
