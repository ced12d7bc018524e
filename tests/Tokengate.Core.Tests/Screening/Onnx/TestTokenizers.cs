using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tokengate.Screening.Onnx;

/// <summary>Small <c>tokenizer.json</c> files in the shapes the public exports use, written by the tests.</summary>
internal static class TestTokenizers
{
    public const int Pad = 0, Cls = 1, Sep = 2, Unk = 3;

    /// <summary>The DeBERTa-v3 pieces, in id order: specials, then words with their log probabilities.</summary>
    public static readonly (string Piece, double Score)[] UnigramVocab =
    [
        ("[PAD]", 0), ("[CLS]", 0), ("[SEP]", 0), ("[UNK]", 0),
        ("▁hello", -2), ("▁world", -2), ("▁the", -1.5), ("▁weather", -3), ("▁is", -1.5), ("▁nice", -3),
        ("▁ignore", -3), ("▁previous", -3), ("▁instructions", -3), ("▁please", -3), ("▁summarize", -4),
        ("▁", -4), ("▁hel", -3), ("lo", -3), ("h", -6), ("e", -6), ("l", -6), ("o", -6), ("i", -6), ("g", -6), ("n", -6), ("r", -6),
        (".", -3), ("▁.", -5),
    ];

    public static int IdOf(string piece) => Array.FindIndex(UnigramVocab, p => p.Piece == piece);

    /// <summary>
    /// DeBERTa-v3's tokenizer.json shape: normalizer Sequence [Strip, Precompiled, Replace " {2,}"], pre-tokenizer
    /// Sequence [WhitespaceSplit, Metaspace], Unigram, template <c>[CLS]:0 $A:0 [SEP]:0</c>. The charsmap folds the
    /// full-width letters of "ｉｇｎｏｒｅ" to ASCII, as nmt_nfkc does.
    /// </summary>
    public static string DebertaStyle()
    {
        var charsMap = BuildCharsMap(new Dictionary<string, string>
        {
            ["ｉ"] = "i", ["ｇ"] = "g", ["ｎ"] = "n", ["ｏ"] = "o", ["ｒ"] = "r", ["ｅ"] = "e", ["\u00A0"] = " ",
        });
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(
                Added(Pad, "[PAD]"), Added(Cls, "[CLS]"), Added(Sep, "[SEP]"), Added(Unk, "[UNK]")),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["normalizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Strip", ["strip_left"] = true, ["strip_right"] = true },
                    new JsonObject { ["type"] = "Precompiled", ["precompiled_charsmap"] = Convert.ToBase64String(charsMap) },
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["Regex"] = " {2,}" }, ["content"] = " " }),
            },
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "WhitespaceSplit" },
                    new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = "always", ["split"] = true }),
            },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "[CLS]", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "[SEP]", ["type_id"] = 0 } }),
                ["pair"] = new JsonArray(),
                ["special_tokens"] = new JsonObject
                {
                    ["[CLS]"] = new JsonObject { ["id"] = "[CLS]", ["ids"] = new JsonArray(Cls), ["tokens"] = new JsonArray("[CLS]") },
                    ["[SEP]"] = new JsonObject { ["id"] = "[SEP]", ["ids"] = new JsonArray(Sep), ["tokens"] = new JsonArray("[SEP]") },
                },
            },
            ["decoder"] = null,
            ["model"] = new JsonObject
            {
                ["type"] = "Unigram",
                ["unk_id"] = Unk,
                ["vocab"] = new JsonArray([.. UnigramVocab.Select(p => (JsonNode)new JsonArray(p.Piece, p.Score))]),
                ["byte_fallback"] = false,
            },
        };
        return root.ToJsonString();
    }

    /// <summary>A BERT-style tokenizer.json: BertNormalizer (lowercase), BertPreTokenizer, WordPiece, BertProcessing.</summary>
    public static string BertStyle()
    {
        var vocab = new JsonObject { ["[PAD]"] = 0, ["[UNK]"] = 100, ["[CLS]"] = 101, ["[SEP]"] = 102, ["hello"] = 7, ["world"] = 8, ["ign"] = 9, ["##ore"] = 10, ["!"] = 11 };
        return new JsonObject
        {
            ["normalizer"] = new JsonObject { ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true, ["strip_accents"] = null, ["lowercase"] = true },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new JsonObject { ["type"] = "BertProcessing", ["sep"] = new JsonArray("[SEP]", 102), ["cls"] = new JsonArray("[CLS]", 101) },
            ["model"] = new JsonObject { ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 100, ["vocab"] = vocab },
        }.ToJsonString();
    }

    public static HfTokenizer Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return HfTokenizer.Parse(document.RootElement);
    }

    private static JsonObject Added(int id, string content) =>
        new() { ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true };

    /// <summary>
    /// A SentencePiece precompiled charsmap: a little-endian u32 trie size, the double-array trie over the UTF-8 bytes
    /// of each source, then the NUL-terminated replacements. Each node's children get a fresh 256-unit block, which is
    /// wasteful but a valid double array.
    /// </summary>
    public static byte[] BuildCharsMap(IReadOnlyDictionary<string, string> map)
    {
        var blob = new List<byte>();
        var root = new TrieNode();
        foreach (var (from, to) in map)
        {
            var node = root;
            foreach (var b in Encoding.UTF8.GetBytes(from))
            {
                if (!node.Children.TryGetValue(b, out var child)) node.Children[b] = child = new TrieNode();
                node = child;
            }
            node.Value = blob.Count;
            blob.AddRange(Encoding.UTF8.GetBytes(to));
            blob.Add(0);
        }
        var units = new List<uint> { 0 };
        Place(root, 0, 0, units);
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((uint)(units.Count * 4)));
        foreach (var unit in units) bytes.AddRange(BitConverter.GetBytes(unit));
        bytes.AddRange(blob);
        return [.. bytes];
    }

    private static void Place(TrieNode node, int position, byte label, List<uint> units)
    {
        var block = units.Count + (256 - (units.Count % 256)) % 256;
        if (block == 0) block = 256;
        while (units.Count < block + 256) units.Add(0);
        var offset = (uint)(position ^ block);
        units[position] = (offset << 10) | (node.Value is null ? 0u : 1u << 8) | label;
        if (node.Value is int value) units[block] = (uint)value | 0x80000000u;
        foreach (var (b, child) in node.Children) Place(child, block + b, b, units);
    }

    private sealed class TrieNode
    {
        public Dictionary<byte, TrieNode> Children { get; } = [];

        public int? Value { get; set; }
    }
}
