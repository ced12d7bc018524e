using System.Text.Json;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// A WordPiece vocabulary (<c>"model": {"type": "WordPiece"}</c>; BERT-style classifiers): greedy longest match from
/// the left, later pieces carrying the continuing prefix (<c>##</c>); a word that cannot be covered, or is longer
/// than <c>max_input_chars_per_word</c>, is one unknown token.
/// </summary>
internal sealed class WordPieceTokenModel : ITokenModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _unkId;
    private readonly string _prefix;
    private readonly int _maxChars;

    private WordPieceTokenModel(Dictionary<string, int> vocab, int unkId, string prefix, int maxChars)
    {
        _vocab = vocab;
        _lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _unkId = unkId;
        _prefix = prefix;
        _maxChars = maxChars;
    }

    public static WordPieceTokenModel Parse(JsonElement model)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject()) vocab[entry.Name] = entry.Value.GetInt32();
        var unkToken = model.TryGetProperty("unk_token", out var u) ? u.GetString() ?? "[UNK]" : "[UNK]";
        if (!vocab.TryGetValue(unkToken, out var unkId)) throw new NotSupportedException($"the WordPiece unk_token '{unkToken}' is not in its vocabulary");
        var prefix = model.TryGetProperty("continuing_subword_prefix", out var p) ? p.GetString() ?? "##" : "##";
        var maxChars = model.TryGetProperty("max_input_chars_per_word", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 100;
        return new WordPieceTokenModel(vocab, unkId, prefix, maxChars);
    }

    public int? IdOf(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    public void Encode(string word, List<int> ids)
    {
        if (word.Length == 0) return;
        if (word.Length > _maxChars) { ids.Add(_unkId); return; }
        var mark = ids.Count;
        Span<char> buffer = word.Length + _prefix.Length <= 256 ? stackalloc char[256] : new char[word.Length + _prefix.Length];
        for (var start = 0; start < word.Length;)
        {
            var found = -1;
            var end = word.Length;
            for (; end > start; end--)
            {
                scoped ReadOnlySpan<char> candidate;
                if (start == 0) candidate = word.AsSpan(0, end);
                else
                {
                    _prefix.AsSpan().CopyTo(buffer);
                    word.AsSpan(start, end - start).CopyTo(buffer[_prefix.Length..]);
                    candidate = buffer[..(_prefix.Length + end - start)];
                }
                if (_lookup.TryGetValue(candidate, out found)) break;
                found = -1;
            }
            if (found < 0)
            {
                ids.RemoveRange(mark, ids.Count - mark);
                ids.Add(_unkId);
                return;
            }
            ids.Add(found);
            start = end;
        }
    }
}
