using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// The <c>normalizer</c> of a <c>tokenizer.json</c> as one function. Supported: <c>Sequence</c>, <c>Precompiled</c>
/// (exact), <c>Replace</c>, <c>Strip</c>, <c>Lowercase</c>, <c>Prepend</c>, <c>BertNormalizer</c>, <c>StripAccents</c>
/// and the Unicode forms. The gateway runs with invariant globalization (no ICU), so the Unicode forms are
/// approximated: NFKC/NFKD fold full-width ASCII and the ideographic space, NFC/NFD change nothing, and accent
/// stripping removes combining marks but cannot decompose precomposed letters. DeBERTa-v3 and Prompt Guard use
/// <c>Precompiled</c>, which is exact. Anything else is refused, so a model is never fed text it was not trained on.
/// </summary>
internal static class TokenizerNormalizer
{
    public static Func<string, string> Parse(JsonElement normalizer)
    {
        if (normalizer.ValueKind == JsonValueKind.Null) return static s => s;
        var type = normalizer.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                var steps = normalizer.GetProperty("normalizers").EnumerateArray().Select(Parse).ToArray();
                return s => { foreach (var step in steps) s = step(s); return s; };
            case "Precompiled":
                var charsMap = normalizer.GetProperty("precompiled_charsmap");
                if (charsMap.ValueKind == JsonValueKind.Null) return static s => s;
                var map = new PrecompiledCharsMap(Convert.FromBase64String(charsMap.GetString() ?? ""));
                return map.Normalize;
            case "Replace":
                var content = normalizer.GetProperty("content").GetString() ?? "";
                var pattern = normalizer.GetProperty("pattern");
                if (pattern.TryGetProperty("String", out var literal))
                {
                    var from = literal.GetString() ?? "";
                    return from.Length == 0 ? static s => s : s => s.Replace(from, content, StringComparison.Ordinal);
                }
                var regex = new Regex(pattern.GetProperty("Regex").GetString() ?? "", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                return s => regex.Replace(s, content);
            case "Strip":
                var left = !normalizer.TryGetProperty("strip_left", out var l) || l.GetBoolean();
                var right = !normalizer.TryGetProperty("strip_right", out var r) || r.GetBoolean();
                return s => left && right ? s.Trim() : left ? s.TrimStart() : right ? s.TrimEnd() : s;
            case "Lowercase":
                return static s => s.ToLowerInvariant();
            case "Prepend":
                var prepend = normalizer.GetProperty("prepend").GetString() ?? "";
                return s => s.Length == 0 ? s : prepend + s;
            case "StripAccents":
                return StripMarks;
            case "NFKC" or "NFKD":
                return FoldWidth;
            case "NFC" or "NFD":
                return static s => s;
            case "BertNormalizer":
                var cleanText = Flag(normalizer, "clean_text", true);
                var chinese = Flag(normalizer, "handle_chinese_chars", true);
                var lowercase = Flag(normalizer, "lowercase", true);
                var stripAccents = normalizer.TryGetProperty("strip_accents", out var sa) && sa.ValueKind != JsonValueKind.Null ? sa.GetBoolean() : lowercase;
                return s => Bert(s, cleanText, chinese, stripAccents, lowercase);
            default:
                throw new NotSupportedException($"the normalizer type '{type}' is not supported");
        }
    }

    private static bool Flag(JsonElement e, string name, bool fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    private static string StripMarks(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
        return sb.ToString();
    }

    private static string FoldWidth(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            sb.Append(c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            });
        return sb.ToString();
    }

    private static string Bert(string s, bool cleanText, bool chinese, bool stripAccents, bool lowercase)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (cleanText)
            {
                if (c == '\0' || c == '\uFFFD' || (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))) continue;
                if (char.IsWhiteSpace(c)) { sb.Append(' '); continue; }
            }
            if (chinese && IsCjk(c)) { sb.Append(' ').Append(c).Append(' '); continue; }
            sb.Append(c);
        }
        var text = sb.ToString();
        if (stripAccents) text = StripMarks(text);
        return lowercase ? text.ToLowerInvariant() : text;
    }

    private static bool IsCjk(char c) =>
        c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF');
}
