using System.Security.Cryptography;

namespace Tokengate.Simulator.Media;

/// <summary>Seeds from uploaded bytes: the first 64 bits of their SHA-256, so equal files always seed alike.</summary>
internal static class MediaSeed
{
    public static ulong Of(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return BitConverter.ToUInt64(hash);
    }

    /// <summary>Mixes a value into a seed (one SplitMix64 step), for combining request fields.</summary>
    public static ulong Mix(ulong seed, ulong value)
    {
        var z = seed ^ (value + 0x9E3779B97F4A7C15UL + (seed << 6) + (seed >> 2));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
