namespace Tokengate.Simulator.Protocol;

/// <summary>The dated <c>api-version</c> shape Azure accepts on classic routes: <c>YYYY-MM-DD</c> with optional <c>-preview</c>.</summary>
internal static class ApiVersion
{
    private static readonly HashSet<string> Familiar =
    [
        "2023-05-15", "2024-02-01", "2024-06-01", "2024-10-21", "2024-08-01-preview", "2024-09-01-preview",
        "2024-10-01-preview", "2024-12-01-preview", "2025-01-01-preview", "2025-03-01-preview", "2025-04-01-preview",
    ];

    // The preview Responses routes exist from this api-version on (reference part 2, §A.1).
    private const string FirstResponsesVersion = "2025-03-01";

    public static bool IsWellFormed(string value)
    {
        var span = value.AsSpan();
        if (span.EndsWith("-preview", StringComparison.Ordinal))
        {
            span = span[..^"-preview".Length];
        }

        return span.Length == 10 && span[4] == '-' && span[7] == '-'
            && char.IsAsciiDigit(span[0]) && char.IsAsciiDigit(span[1]) && char.IsAsciiDigit(span[2]) && char.IsAsciiDigit(span[3])
            && char.IsAsciiDigit(span[5]) && char.IsAsciiDigit(span[6]) && char.IsAsciiDigit(span[8]) && char.IsAsciiDigit(span[9]);
    }

    public static bool IsFamiliar(string value) => Familiar.Contains(value);

    /// <summary>Whether a well-formed version has the preview Responses routes.</summary>
    public static bool HasResponses(string value) => string.CompareOrdinal(value, 0, FirstResponsesVersion, 0, FirstResponsesVersion.Length) >= 0;
}
