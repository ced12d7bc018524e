using System.Globalization;

namespace Tokengate.Bench.Load;

/// <summary>
/// The delay a throttled or failed response asks for, read the way the SDKs read it (protocol reference §5.4):
/// <c>retry-after-ms</c> first, then <c>retry-after</c> as seconds (fractions allowed), then as an HTTP date.
/// </summary>
internal static class RetryAfter
{
    // Absurd values are capped so they cannot overflow TimeSpan; the retry policy bounds what it honours anyway.
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>Returns the delay, or null when neither header holds a usable (non-negative) value.</summary>
    public static TimeSpan? Parse(string? retryAfterMs, string? retryAfter, DateTimeOffset now)
    {
        if (TryNumber(retryAfterMs, out var ms))
        {
            return TimeSpan.FromMilliseconds(Math.Min(ms, Longest.TotalMilliseconds));
        }

        if (TryNumber(retryAfter, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, Longest.TotalSeconds));
        }

        if (retryAfter is not null && DateTimeOffset.TryParseExact(retryAfter.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var delay = date - now;
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Reads both headers from a response.</summary>
    public static TimeSpan? From(HttpResponseMessage response, DateTimeOffset now) =>
        Parse(Header(response, "retry-after-ms"), Header(response, "retry-after"), now);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? values.ToString() : null;

    private static bool TryNumber(string? value, out double number) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out number)
        && double.IsFinite(number) && number >= 0;
}
