namespace Tokengate.Screening.Onnx;

/// <summary>
/// Cuts a token sequence into windows the model can take: each window holds at most <c>maxTokens</c> tokens including
/// the special tokens around it, and consecutive windows share <c>overlap</c> tokens so a phrase on a border is seen
/// whole in one of them. Every token lands in at least one window.
/// </summary>
internal static class TokenChunker
{
    public static int CountChunks(int tokens, int maxTokens, int overlap, int specials)
    {
        if (tokens == 0) return 0;
        var (window, step) = Geometry(maxTokens, overlap, specials);
        return tokens <= window ? 1 : 1 + (int)Math.Ceiling((tokens - window) / (double)step);
    }

    public static IEnumerable<int[]> Chunk(List<int> ids, int maxTokens, int overlap, IReadOnlyList<int> prefix, IReadOnlyList<int> suffix)
    {
        if (ids.Count == 0) yield break;
        var (window, step) = Geometry(maxTokens, overlap, prefix.Count + suffix.Count);
        for (var start = 0; ; start += step)
        {
            var count = Math.Min(window, ids.Count - start);
            var chunk = new int[prefix.Count + count + suffix.Count];
            for (var i = 0; i < prefix.Count; i++) chunk[i] = prefix[i];
            ids.CopyTo(start, chunk, prefix.Count, count);
            for (var i = 0; i < suffix.Count; i++) chunk[prefix.Count + count + i] = suffix[i];
            yield return chunk;
            if (start + count >= ids.Count) yield break;
        }
    }

    private static (int Window, int Step) Geometry(int maxTokens, int overlap, int specials)
    {
        var window = Math.Max(1, maxTokens - specials);
        return (window, Math.Max(1, window - overlap));
    }
}
