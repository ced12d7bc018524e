using System.Text.RegularExpressions;
using Microsoft.Extensions.Compliance.Redaction;

namespace Tokengate.Logging;

/// <summary>
/// A <see cref="Redactor"/> (Microsoft.Extensions.Compliance.Redaction) that replaces every match of the configured
/// patterns with <c>[REDACTED:name]</c>. Runs in the log writer, off the request path.
/// </summary>
internal sealed class PatternRedactor : Redactor
{
    /// <summary>Built-in patterns: common secrets and personal data that must not reach log storage.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltIn = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["email"] = @"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}",
        ["card"] = @"\b\d(?:[ \-]?\d){12,18}\b",
        ["api_key"] = @"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{16,}|\bAKIA[0-9A-Z]{16}\b",
        ["bearer"] = @"(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{16,}",
        ["secret"] = @"(?i)\b(?:password|passwd|secret|api[_\-]?key|access[_\-]?token)\b\s*[:=]\s*[^\s""',;]+",
    };

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);
    private readonly (string Name, Regex Pattern)[] _patterns;

    public PatternRedactor(RequestLogOptions options)
    {
        var all = new List<(string, Regex)>();
        if (options.BuiltInRedaction)
        {
            foreach (var (name, pattern) in BuiltIn) all.Add((name, new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout)));
        }
        foreach (var (name, pattern) in options.RedactionPatterns) all.Add((name, new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout)));
        _patterns = [.. all];
    }

    public string RedactText(string text)
    {
        foreach (var (name, pattern) in _patterns)
        {
            try
            {
                text = pattern.Replace(text, $"[REDACTED:{name}]");
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern that cannot decide in time must not let the text through unredacted.
                return $"[REDACTED:{name}:timeout]";
            }
        }
        return text;
    }

    public override int GetRedactedLength(ReadOnlySpan<char> input) => RedactText(input.ToString()).Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var redacted = RedactText(source.ToString());
        redacted.AsSpan().CopyTo(destination);
        return redacted.Length;
    }
}
