using System.Text.RegularExpressions;

namespace Tokengate.Screening.BuiltIn;

/// <summary>
/// High-precision signs of an attack that the classifier cannot see well: chat-template control tokens that only a
/// prompt forger writes into a message or a document, and Unicode tag characters (U+E0000 to U+E007F), invisible
/// text used to smuggle instructions past a human reader. Phrases such as "ignore previous instructions" are left to
/// the classifier: they are just as common in benign security questions and code reviews.
/// </summary>
internal static partial class BuiltInRules
{
    /// <summary>Tag characters are surrogate pairs with this high surrogate.</summary>
    private const char TagHighSurrogate = '\uDB40';
    private const int TagCharactersForAttack = 3;

    public static bool Matches(string text)
    {
        if (ControlTokens().IsMatch(text)) return true;
        var tags = 0;
        var span = text.AsSpan();
        for (var i = span.IndexOf(TagHighSurrogate); i >= 0 && i < span.Length - 1; i = NextTag(span, i + 1))
        {
            if (span[i + 1] is >= '\uDC00' and <= '\uDC7F' && ++tags >= TagCharactersForAttack) return true;
        }
        return false;
    }

    private static int NextTag(ReadOnlySpan<char> span, int from)
    {
        var next = span[from..].IndexOf(TagHighSurrogate);
        return next < 0 ? -1 : from + next;
    }

    [GeneratedRegex(@"<\|(?:im_start|im_end|im_sep|endoftext|system|start_header_id|end_header_id|eot_id)\|>|\[/?INST\]|<</?SYS>>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ControlTokens();
}
