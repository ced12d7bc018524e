using System.Globalization;

namespace Tokengate.Batches;

/// <summary>Completion windows as the Batch API writes them: a whole number of hours (<c>24h</c>) or days (<c>2d</c>).</summary>
internal static class BatchWindows
{
    public static TimeSpan? Parse(string? window)
    {
        if (string.IsNullOrEmpty(window) || window.Length < 2) return null;
        if (!int.TryParse(window.AsSpan(0, window.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1) return null;
        return window[^1] switch
        {
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => null,
        };
    }
}
