using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Tokengate.Limits;
using Tokengate.Routing;

namespace Tokengate.Proxy;

/// <summary>
/// The consumer's own rate-limit position on a relayed response. When the consumer has a limit, the gateway's
/// <c>x-ratelimit-limit-*</c> / <c>x-ratelimit-remaining-*</c> replace the backend's: those describe one backend of a
/// shared pool (which the gateway fails over around), not what this consumer may still send, and a client that
/// paces itself on them would pace on the wrong budget. Without a consumer limit the backend's headers pass as they came.
/// The backend's values are read first (<see cref="ReadBackendQuota"/>) for quota-aware routing.
/// </summary>
internal static class RateLimitHeaders
{
    public static void Apply(IHeaderDictionary headers, AdmissionState? admission)
    {
        if (admission?.Reservation is not { Scopes: [var first, ..] }) return;
        if (admission.RemainingTokens is { } tokens)
        {
            headers["x-ratelimit-limit-tokens"] = first.TokensPerMinute!.Value.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = tokens.ToString(CultureInfo.InvariantCulture);
        }
        if (admission.RemainingRequests is { } requests)
        {
            headers["x-ratelimit-limit-requests"] = first.RequestsPerMinute!.Value.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = requests.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The backend's <c>x-ratelimit-limit-*</c> / <c>x-ratelimit-remaining-*</c>; unparsable values count as absent.</summary>
    public static BackendQuotaReading ReadBackendQuota(HttpResponseHeaders headers) => new(
        Number(headers, "x-ratelimit-limit-tokens"),
        Number(headers, "x-ratelimit-remaining-tokens"),
        Number(headers, "x-ratelimit-limit-requests"),
        Number(headers, "x-ratelimit-remaining-requests"));

    private static long? Number(HttpResponseHeaders headers, string name) =>
        RetryAfter.First(headers, name) is { } value && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
