using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// The <c>pre_tokenizer</c> of a <c>tokenizer.json</c> as one function from text to words. Supported:
/// <c>Sequence</c>, <c>Metaspace</c> (SentencePiece's ▁), <c>WhitespaceSplit</c>, <c>Whitespace</c>,
/// <c>BertPreTokenizer</c>, <c>Punctuation</c> (isolated) and <c>Digits</c>. Anything else is refused.
/// </summary>
internal static partial class TokenizerPreTokenizer
{
    public static Func<List<string>, List<string>> Parse(JsonElement pre)
    {
        if (pre.ValueKind == JsonValueKind.Null) return static words => words;
        var type = pre.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                var steps = pre.GetProperty("pretokenizers").EnumerateArray().Select(Parse).ToArray();
                return words => { foreach (var step in steps) words = step(words); return words; };
            case "WhitespaceSplit":
                return static words => Each(words, static (w, _, output) => output.AddRange(w.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            case "Whitespace":
                return static words => Each(words, static (w, _, output) => { foreach (Match m in WordsOrSymbols().Matches(w)) output.Add(m.Value); });
            case "BertPreTokenizer":
                return static words => Each(words, static (w, _, output) =>
                {
                    foreach (var part in w.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) Isolate(part, char.IsPunctuation, output);
                });
            case "Punctuation":
                var behavior = pre.TryGetProperty("behavior", out var b) ? b.GetString() : "Isolated";
                if (behavior is not ("Isolated" or null)) throw new NotSupportedException($"the Punctuation behavior '{behavior}' is not supported");
                return static words => Each(words, static (w, _, output) => Isolate(w, IsPunctuation, output));
            case "Digits":
                var individual = pre.TryGetProperty("individual_digits", out var d) && d.GetBoolean();
                return words => Each(words, (w, _, output) =>
                {
                    if (individual) Isolate(w, char.IsAsciiDigit, output);
                    else foreach (Match m in DigitRuns().Matches(w)) output.Add(m.Value);
                });
            case "Metaspace":
                var replacement = pre.TryGetProperty("replacement", out var r) ? r.GetString() ?? "\u2581" : "\u2581";
                var scheme = pre.TryGetProperty("prepend_scheme", out var ps) ? ps.GetString() ?? "always"
                    : pre.TryGetProperty("add_prefix_space", out var aps) && !aps.GetBoolean() ? "never" : "always";
                var split = !pre.TryGetProperty("split", out var sp) || sp.GetBoolean();
                return words => Each(words, (w, index, output) =>
                {
                    var text = w.Replace(" ", replacement, StringComparison.Ordinal);
                    var prepend = scheme == "always" || (scheme == "first" && index == 0);
                    if (prepend && !text.StartsWith(replacement, StringComparison.Ordinal)) text = replacement + text;
                    if (!split) { output.Add(text); return; }
                    // Split before each replacement character, which stays at the start of the next word.
                    var start = 0;
                    for (var i = 1; i <= text.Length; i++)
                    {
                        if (i < text.Length && !text.AsSpan(i).StartsWith(replacement, StringComparison.Ordinal)) continue;
                        if (i > start) output.Add(text[start..i]);
                        start = i;
                    }
                });
            default:
                throw new NotSupportedException($"the pre_tokenizer type '{type}' is not supported");
        }
    }

    private static List<string> Each(List<string> words, Action<string, int, List<string>> split)
    {
        var output = new List<string>(words.Count * 2);
        for (var i = 0; i < words.Count; i++) split(words[i], i, output);
        return output;
    }

    private static void Isolate(string word, Func<char, bool> isolated, List<string> output)
    {
        var start = 0;
        for (var i = 0; i < word.Length; i++)
        {
            if (!isolated(word[i])) continue;
            if (i > start) output.Add(word[start..i]);
            output.Add(word[i].ToString());
            start = i + 1;
        }
        if (start < word.Length) output.Add(word[start..]);
    }

    // Hugging Face counts ASCII symbols such as $ + < = > ^ ` | ~ as punctuation too.
    private static bool IsPunctuation(char c) => char.IsPunctuation(c) || (char.IsAscii(c) && char.IsSymbol(c));

    [GeneratedRegex(@"\w+|[^\w\s]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordsOrSymbols();

    [GeneratedRegex(@"\d+|\D+", RegexOptions.CultureInvariant)]
    private static partial Regex DigitRuns();
}
