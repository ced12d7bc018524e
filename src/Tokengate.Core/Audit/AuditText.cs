using System.Globalization;
using System.Text;

namespace Tokengate.Audit;

/// <summary>
/// Caps what a caller's own text (a path, a user agent) can add to an audit record or log line: at most a given
/// length, then a marker saying how much was cut; control characters become <c>?</c> so a line cannot be forged.
/// </summary>
internal static class AuditText
{
    public const char Replacement = '?';

    public static string? Cap(string? value, int maxLength)
    {
        if (value is null) return null;
        var keep = Math.Min(value.Length, maxLength);
        // Never split a surrogate pair: the half left over would not be valid UTF-16 for the database.
        if (keep < value.Length && keep > 0 && char.IsHighSurrogate(value[keep - 1])) keep--;
        var head = value.AsSpan(0, keep);
        var control = head.ContainsAnyInRange('\0', '\u001f') || head.ContainsAnyInRange('\u007f', '\u009f');
        if (keep == value.Length && !control) return value;

        var text = new StringBuilder(keep + 12);
        foreach (var c in head) text.Append(char.IsControl(c) ? Replacement : c);
        if (keep < value.Length) text.Append(CultureInfo.InvariantCulture, $"…[+{value.Length - keep}]");
        return text.ToString();
    }
}
