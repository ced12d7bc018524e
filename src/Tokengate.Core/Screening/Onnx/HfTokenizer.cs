using System.Text.Json;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c>, read as far as a sequence classifier needs: normalizer, pre-tokenizer,
/// a Unigram or WordPiece model, and the special tokens the post-processor puts around a single sequence
/// (<c>[CLS] X [SEP]</c> for DeBERTa and BERT, <c>&lt;s&gt; X &lt;/s&gt;</c> for RoBERTa-style templates).
/// Microsoft.ML.Tokenizers reads SentencePiece's <c>.model</c> and BERT's <c>vocab.txt</c> but not
/// <c>tokenizer.json</c>, which is the one file the public ONNX exports all carry. BPE models are refused.
/// Text that spells a special token (<c>[CLS]</c>) is tokenized as ordinary text, so screened input cannot smuggle
/// control tokens into the classifier.
/// </summary>
internal sealed class HfTokenizer
{
    private readonly Func<string, string> _normalize;
    private readonly Func<List<string>, List<string>> _preTokenize;
    private readonly ITokenModel _model;

    private HfTokenizer(Func<string, string> normalize, Func<List<string>, List<string>> preTokenize, ITokenModel model,
        int[] prefix, int[] suffix, int padId)
    {
        _normalize = normalize;
        _preTokenize = preTokenize;
        _model = model;
        Prefix = prefix;
        Suffix = suffix;
        PadId = padId;
    }

    /// <summary>The special token ids the post-processor puts before a single sequence.</summary>
    public IReadOnlyList<int> Prefix { get; }

    /// <summary>The special token ids the post-processor puts after a single sequence.</summary>
    public IReadOnlyList<int> Suffix { get; }

    /// <summary>The id used to pad shorter sequences in a batch (masked out by the attention mask).</summary>
    public int PadId { get; }

    public static HfTokenizer Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        return Parse(document.RootElement);
    }

    public static HfTokenizer Parse(JsonElement root)
    {
        var modelElement = root.GetProperty("model");
        var modelType = modelElement.TryGetProperty("type", out var t) ? t.GetString() : null;
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
            foreach (var token in addedTokens.EnumerateArray())
            {
                var content = token.GetProperty("content").GetString() ?? "";
                added[content] = token.GetProperty("id").GetInt32();
                if (token.TryGetProperty("special", out var isSpecial) && isSpecial.ValueKind == JsonValueKind.True) special.Add(content);
            }
        ITokenModel model = modelType switch
        {
            "Unigram" => UnigramTokenModel.Parse(modelElement, special),
            "WordPiece" => WordPieceTokenModel.Parse(modelElement),
            _ => throw new NotSupportedException($"the tokenizer model type '{modelType ?? "(none)"}' is not supported (Unigram and WordPiece are)"),
        };
        int? IdOf(string token) => added.TryGetValue(token, out var id) ? id : model.IdOf(token);

        var (prefix, suffix) = SpecialTokens(Property(root, "post_processor"), IdOf);
        var padId = Property(root, "padding") is { ValueKind: JsonValueKind.Object } padding && padding.TryGetProperty("pad_id", out var p)
            ? p.GetInt32()
            : IdOf("[PAD]") ?? IdOf("<pad>") ?? 0;
        return new HfTokenizer(
            TokenizerNormalizer.Parse(Property(root, "normalizer")),
            TokenizerPreTokenizer.Parse(Property(root, "pre_tokenizer")),
            model, prefix, suffix, padId);
    }

    /// <summary>The ids of <paramref name="text"/> without special tokens.</summary>
    public List<int> Encode(string text)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        var normalized = _normalize(text);
        if (normalized.Length == 0) return ids;
        foreach (var word in _preTokenize([normalized])) _model.Encode(word, ids);
        return ids;
    }

    private static JsonElement Property(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v : default;

    private static (int[] Prefix, int[] Suffix) SpecialTokens(JsonElement processor, Func<string, int?> idOf)
    {
        if (processor.ValueKind != JsonValueKind.Object) return ([], []);
        var type = processor.GetProperty("type").GetString();
        switch (type)
        {
            case "TemplateProcessing":
                var prefix = new List<int>();
                var suffix = new List<int>();
                var seenSequence = false;
                foreach (var piece in processor.GetProperty("single").EnumerateArray())
                {
                    if (piece.TryGetProperty("Sequence", out _)) { seenSequence = true; continue; }
                    var name = piece.GetProperty("SpecialToken").GetProperty("id").GetString() ?? "";
                    var ids = processor.TryGetProperty("special_tokens", out var specials) && specials.TryGetProperty(name, out var special)
                        ? special.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()
                        : [idOf(name) ?? throw new NotSupportedException($"the template's special token '{name}' has no id")];
                    (seenSequence ? suffix : prefix).AddRange(ids);
                }
                return ([.. prefix], [.. suffix]);
            case "BertProcessing" or "RobertaProcessing":
                return ([processor.GetProperty("cls")[1].GetInt32()], [processor.GetProperty("sep")[1].GetInt32()]);
            case "Sequence":
                foreach (var inner in processor.GetProperty("processors").EnumerateArray())
                {
                    var found = SpecialTokens(inner, idOf);
                    if (found.Prefix.Length + found.Suffix.Length > 0) return found;
                }
                return ([], []);
            case "ByteLevel":
                return ([], []);
            default:
                throw new NotSupportedException($"the post_processor type '{type}' is not supported");
        }
    }
}
