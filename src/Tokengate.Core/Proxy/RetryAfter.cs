using System.Globalization;
using System.Net.Http.Headers;

namespace Tokengate.Proxy;

/// <summary>
/// Reads how long a backend asks to be left alone, in the order the Azure SDKs use: <c>retry-after-ms</c>,
/// <c>x-ms-retry-after-ms</c>, <c>retry-after</c> (seconds or an HTTP date), then the OpenAI-style
/// <c>x-ratelimit-reset-requests</c> / <c>x-ratelimit-reset-tokens</c> durations (the longer of the two).
/// </summary>
internal static class RetryAfter
{
    public static TimeSpan? From(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (Milliseconds(headers, "retry-after-ms") is { } ms) return ms;
        if (Milliseconds(headers, "x-ms-retry-after-ms") is { } msAzure) return msAzure;

        if (First(headers, "retry-after") is { } retryAfter)
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && FromMilliseconds(seconds * 1000) is { } delay)
                return delay;
            if (DateTimeOffset.TryParseExact(retryAfter, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                return date > now ? date - now : TimeSpan.Zero;
        }

        TimeSpan? reset = null;
        foreach (var name in (ReadOnlySpan<string>)["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"])
        {
            if (First(headers, name) is { } value && TryParseDuration(value, out var d) && (reset is null || d > reset))
                reset = d;
        }
        return reset;
    }

    /// <summary>Parses OpenAI's reset durations such as <c>20ms</c>, <c>1s</c>, <c>6m0s</c>, <c>1h2m3.5s</c>.</summary>
    public static bool TryParseDuration(ReadOnlySpan<char> text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.IsEmpty) return false;
        double totalMs = 0;
        while (!text.IsEmpty)
        {
            var i = 0;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == 0 || !double.TryParse(text[..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return false;
            text = text[i..];
            if (text.StartsWith("ms")) { totalMs += number; text = text[2..]; }
            else if (text.StartsWith("s")) { totalMs += number * 1000; text = text[1..]; }
            else if (text.StartsWith("m")) { totalMs += number * 60_000; text = text[1..]; }
            else if (text.StartsWith("h")) { totalMs += number * 3_600_000; text = text[1..]; }
            else return false;
        }
        if (FromMilliseconds(totalMs) is not { } parsed) return false;
        duration = parsed;
        return true;
    }

    /// <summary>Parses <c>azure-openai-deployment-utilization</c> (<c>42.7%</c>, tolerantly without the sign).</summary>
    public static double? Utilization(HttpResponseHeaders headers)
    {
        if (First(headers, "azure-openai-deployment-utilization") is not { } value) return null;
        var span = value.AsSpan().Trim().TrimEnd('%');
        return double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) ? percent : null;
    }

    private static TimeSpan? Milliseconds(HttpResponseHeaders headers, string name) =>
        First(headers, name) is { } value && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
            ? FromMilliseconds(ms)
            : null;

    /// <summary>Header values come from outside: negative, infinite or huge numbers must not throw.</summary>
    private static TimeSpan? FromMilliseconds(double ms) =>
        !double.IsFinite(ms) || ms < 0 ? null
        : ms >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue
        : TimeSpan.FromMilliseconds(ms);

    internal static string? First(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? values.ToString() : null;
}
