using System.Globalization;
using System.Text;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// SentencePiece's compiled normalization rules (the <c>Precompiled</c> normalizer of <c>tokenizer.json</c>, usually
/// nmt_nfkc): a double-array trie over UTF-8 bytes whose leaves point into a blob of replacement strings. Read the
/// way Hugging Face's <c>spm_precompiled</c> reads it, grapheme by grapheme. This is what lets the detector apply the
/// model's own NFKC-style normalization although the gateway runs with invariant globalization (no ICU, so
/// <see cref="string.Normalize()"/> does nothing here).
/// </summary>
internal sealed class PrecompiledCharsMap
{
    private readonly uint[] _trie;
    private readonly byte[] _normalized;

    public PrecompiledCharsMap(byte[] charsMap)
    {
        if (charsMap.Length < 4) throw new NotSupportedException("the precompiled_charsmap is too short");
        var trieSize = (int)BitConverter.ToUInt32(charsMap, 0);
        if (trieSize < 4 || trieSize % 4 != 0 || 4 + trieSize > charsMap.Length) throw new NotSupportedException("the precompiled_charsmap is malformed");
        _trie = new uint[trieSize / 4];
        for (var i = 0; i < _trie.Length; i++) _trie[i] = BitConverter.ToUInt32(charsMap, 4 + (i * 4));
        _normalized = charsMap[(4 + trieSize)..];
    }

    public string Normalize(string text)
    {
        var output = new StringBuilder(text.Length);
        Span<byte> utf8 = stackalloc byte[64];
        for (var i = 0; i < text.Length;)
        {
            var graphemeLength = StringInfo.GetNextTextElementLength(text.AsSpan(i));
            var grapheme = text.AsSpan(i, graphemeLength);
            i += graphemeLength;
            if (Encoding.UTF8.GetByteCount(grapheme) < 6)
            {
                var count = Encoding.UTF8.GetBytes(grapheme, utf8);
                if (Transform(utf8[..count], output)) continue;
            }
            for (var j = 0; j < grapheme.Length;)
            {
                var charLength = char.IsHighSurrogate(grapheme[j]) && j + 1 < grapheme.Length ? 2 : 1;
                var part = grapheme.Slice(j, charLength);
                j += charLength;
                var count = Encoding.UTF8.GetBytes(part, utf8);
                if (!Transform(utf8[..count], output)) output.Append(part);
            }
        }
        return output.ToString();
    }

    private bool Transform(ReadOnlySpan<byte> key, StringBuilder output)
    {
        var index = FirstPrefixValue(key);
        if (index < 0 || index >= _normalized.Length) return false;
        var end = Array.IndexOf(_normalized, (byte)0, index);
        if (end < 0) end = _normalized.Length;
        output.Append(Encoding.UTF8.GetString(_normalized, index, end - index));
        return true;
    }

    // The first (shortest) key in the trie that is a prefix of key, as spm_precompiled's common_prefix_search()[0].
    private int FirstPrefixValue(ReadOnlySpan<byte> key)
    {
        long position = 0;
        var unit = _trie[0];
        position ^= Offset(unit);
        foreach (var c in key)
        {
            if (c == 0) break;
            position ^= c;
            if (position < 0 || position >= _trie.Length) return -1;
            unit = _trie[position];
            if (Label(unit) != c) return -1;
            position ^= Offset(unit);
            if (position < 0 || position >= _trie.Length) return -1;
            if (HasLeaf(unit)) return (int)(_trie[position] & 0x7FFFFFFFu);
        }
        return -1;
    }

    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static uint Label(uint unit) => unit & (0x80000000u | 0xFFu);

    private static long Offset(uint unit) => (long)(unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
