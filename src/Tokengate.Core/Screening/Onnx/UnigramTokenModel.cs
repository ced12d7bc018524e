using System.Text;
using System.Text.Json;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// A SentencePiece Unigram vocabulary (<c>"model": {"type": "Unigram"}</c> in <c>tokenizer.json</c>; DeBERTa-v3,
/// mDeBERTa / Prompt Guard): the most probable segmentation of each word (Viterbi over the piece scores), the way
/// Hugging Face tokenizers does it: a character no piece covers costs the lowest score minus 10 and consecutive
/// unknown characters fuse into one unknown token, or become byte tokens (<c>&lt;0x41&gt;</c>) with byte fallback.
/// </summary>
internal sealed class UnigramTokenModel : ITokenModel
{
    private const double UnknownPenalty = 10.0;
    private readonly Dictionary<string, (int Id, double Score)> _pieces;
    private readonly Dictionary<string, (int Id, double Score)>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _maxPieceLength;
    private readonly int? _unkId;
    private readonly double _unkScore;
    private readonly bool _byteFallback;

    private UnigramTokenModel(Dictionary<string, (int, double)> pieces, ISet<string> special, int? unkId, bool byteFallback)
    {
        _unkScore = (pieces.Count == 0 ? 0 : pieces.Values.Min(p => p.Item2)) - UnknownPenalty;
        // Special tokens ([CLS], <s>, ...) are never matched in text, as SentencePiece never matches control symbols.
        foreach (var token in special) pieces.Remove(token);
        _pieces = pieces;
        _lookup = pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        _maxPieceLength = pieces.Count == 0 ? 1 : pieces.Keys.Max(k => k.Length);
        _unkId = unkId;
        _byteFallback = byteFallback;
    }

    /// <summary>Reads the model; the <paramref name="special"/> tokens stay out of the segmentation.</summary>
    public static UnigramTokenModel Parse(JsonElement model, ISet<string> special)
    {
        var pieces = new Dictionary<string, (int, double)>(StringComparer.Ordinal);
        var id = 0;
        foreach (var entry in model.GetProperty("vocab").EnumerateArray())
        {
            var piece = entry[0].GetString() ?? "";
            pieces.TryAdd(piece, (id, entry[1].GetDouble()));
            id++;
        }
        int? unkId = model.TryGetProperty("unk_id", out var unk) && unk.ValueKind == JsonValueKind.Number ? unk.GetInt32() : null;
        var byteFallback = model.TryGetProperty("byte_fallback", out var bf) && bf.ValueKind == JsonValueKind.True;
        if (unkId is null && !byteFallback) throw new NotSupportedException("the Unigram model has neither unk_id nor byte_fallback");
        return new UnigramTokenModel(pieces, special, unkId, byteFallback);
    }

    public int? IdOf(string token) => _pieces.TryGetValue(token, out var p) ? p.Id : null;

    public void Encode(string word, List<int> ids)
    {
        var n = word.Length;
        if (n == 0) return;
        var best = new double[n + 1];
        var from = new int[n + 1];
        var piece = new int[n + 1];
        Array.Fill(best, double.NegativeInfinity);
        best[0] = 0;
        for (var i = 0; i < n; i++)
        {
            if (double.IsNegativeInfinity(best[i])) continue;
            var charLength = char.IsHighSurrogate(word[i]) && i + 1 < n && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var coveredOneChar = false;
            for (var length = 1; length <= _maxPieceLength && i + length <= n; length++)
            {
                if (!_lookup.TryGetValue(word.AsSpan(i, length), out var p)) continue;
                if (length == charLength) coveredOneChar = true;
                var score = best[i] + p.Score;
                if (score > best[i + length]) { best[i + length] = score; from[i + length] = i; piece[i + length] = p.Id; }
            }
            if (!coveredOneChar)
            {
                var score = best[i] + _unkScore;
                if (score > best[i + charLength]) { best[i + charLength] = score; from[i + charLength] = i; piece[i + charLength] = -1; }
            }
        }

        var path = new List<(int Start, int End, int Id)>();
        for (var end = n; end > 0; end = from[end]) path.Add((from[end], end, piece[end]));
        path.Reverse();
        var previousUnknown = false;
        foreach (var (start, end, id) in path)
        {
            if (id >= 0) { ids.Add(id); previousUnknown = false; continue; }
            if (_byteFallback && TryAddBytes(word.AsSpan(start, end - start), ids)) { previousUnknown = false; continue; }
            if (!previousUnknown) ids.Add(_unkId ?? 0);  // fuse_unk: a run of unknown characters is one token
            previousUnknown = true;
        }
    }

    private bool TryAddBytes(ReadOnlySpan<char> text, List<int> ids)
    {
        Span<byte> utf8 = stackalloc byte[8];
        var count = Encoding.UTF8.GetBytes(text, utf8);
        Span<int> found = stackalloc int[8];
        Span<char> name = stackalloc char[6];
        for (var b = 0; b < count; b++)
        {
            if (!utf8[b].TryFormat(name[3..], out _, "X2", null)) return false;
            "<0x".AsSpan().CopyTo(name);
            name[5] = '>';
            if (!_lookup.TryGetValue(name, out var p)) return false;
            found[b] = p.Id;
        }
        for (var b = 0; b < count; b++) ids.Add(found[b]);
        return true;
    }
}
