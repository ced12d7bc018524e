using System.Globalization;

namespace Tokengate.Identity;

/// <summary>Durations as people type them — <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>30d</c>, <c>2w</c> — and moments given either way.</summary>
public static class DurationText
{
    /// <summary>Parses a whole positive number followed by one unit: s, m, h, d or w.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var value = text.Trim();
        if (value.Length < 2 || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 100_000)
            return false;
        TimeSpan? unit = char.ToLowerInvariant(value[^1]) switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            'w' => TimeSpan.FromDays(7),
            _ => null,
        };
        if (unit is null) return false;
        duration = unit.Value * n;
        return true;
    }

    /// <summary>
    /// A moment given as a duration from <paramref name="now"/> (<c>30d</c>; <paramref name="sign"/> −1 for "ago")
    /// or as an ISO-8601 timestamp with an offset (<c>2026-12-31T00:00:00Z</c>).
    /// </summary>
    public static bool TryParseMoment(string? text, DateTimeOffset now, int sign, out DateTimeOffset moment)
    {
        if (TryParse(text, out var duration))
        {
            moment = now + (sign < 0 ? -duration : duration);
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out moment);
    }
}
