using System.Text.Json;
using Tokengate.Simulator.Limits;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// The body of <c>rate_limits.updated</c>: the Standard deployment's request and token windows after admission.
/// <c>reset_seconds</c> is the announced retry delay for the limit that refused, otherwise an estimate (the window's
/// length times the share of it in use). Provisioned deployments have no such limits and report an empty list.
/// </summary>
internal static class RealtimeRateLimits
{
    private const double RequestWindowSeconds = 10;
    private const double TokenWindowSeconds = 60;

    public static void Write(Utf8JsonWriter w, in AdmissionResult admission, bool provisioned)
    {
        w.WriteStartArray("rate_limits"u8);
        if (!provisioned)
        {
            WriteLimit(w, "requests"u8, admission.LimitRequests, admission.RemainingRequests,
                admission.Reason == ThrottleReason.Requests ? admission.RetryAfter.TotalSeconds : Estimate(admission.LimitRequests, admission.RemainingRequests, RequestWindowSeconds));
            WriteLimit(w, "tokens"u8, admission.LimitTokens, admission.RemainingTokens,
                admission.Reason == ThrottleReason.Tokens ? admission.RetryAfter.TotalSeconds : Estimate(admission.LimitTokens, admission.RemainingTokens, TokenWindowSeconds));
        }

        w.WriteEndArray();
    }

    private static double Estimate(int limit, int remaining, double window) =>
        limit <= 0 ? 0 : window * (limit - remaining) / limit;

    private static void WriteLimit(Utf8JsonWriter w, ReadOnlySpan<byte> name, int limit, int remaining, double resetSeconds)
    {
        w.WriteStartObject();
        w.WriteString("name"u8, name);
        w.WriteNumber("limit"u8, limit);
        w.WriteNumber("remaining"u8, remaining);
        w.WriteNumber("reset_seconds"u8, Math.Round(resetSeconds, 3));
        w.WriteEndObject();
    }
}
