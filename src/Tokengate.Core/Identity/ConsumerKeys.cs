using System.Security.Cryptography;

namespace Tokengate.Identity;

/// <summary>Makes consumer keys: a recognisable prefix and 192 random bits, URL-safe.</summary>
public static class ConsumerKeys
{
    /// <summary>A new key such as <c>tg_3q2-7wYh...</c>.</summary>
    public static string Generate(string prefix)
    {
        Span<byte> random = stackalloc byte[24];
        RandomNumberGenerator.Fill(random);
        return prefix + Convert.ToBase64String(random).Replace('+', '-').Replace('/', '_');
    }
}
