namespace Tokengate.Simulator.Tokens;

/// <summary>FNV-1a over UTF-16 code units: the stable seed that makes generated text and vectors depend on the input.</summary>
internal static class Fnv1a
{
    public const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Append(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    public static ulong Append(ulong hash, int value) => (hash ^ (uint)value) * Prime;
}
