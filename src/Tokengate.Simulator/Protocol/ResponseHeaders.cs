using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Limits;

namespace Tokengate.Simulator.Protocol;

/// <summary>The Azure response headers (protocol reference §6.2, §7).</summary>
internal static class ResponseHeaders
{
    public const string Utilization = "azure-openai-deployment-utilization";

    public static void WriteCommon(HttpContext context, string region)
    {
        var id = Guid.NewGuid().ToString();
        var headers = context.Response.Headers;
        headers["apim-request-id"] = id;
        headers["x-request-id"] = id;
        headers["x-ms-region"] = region;
        var clientRequestId = context.Request.Headers["x-ms-client-request-id"];
        if (clientRequestId.Count > 0)
        {
            headers["x-ms-client-request-id"] = clientRequestId;
        }
    }

    public static void WriteRateLimits(HttpResponse response, in AdmissionResult admission)
    {
        var headers = response.Headers;
        headers["x-ratelimit-limit-requests"] = admission.LimitRequests.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-requests"] = admission.RemainingRequests.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-limit-tokens"] = admission.LimitTokens.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-tokens"] = admission.RemainingTokens.ToString(CultureInfo.InvariantCulture);
    }

    public static void WriteUtilization(HttpResponse response, double percent) =>
        response.Headers[Utilization] = percent.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Both retry headers from one value, so <c>retry-after</c> is always <c>retry-after-ms</c> rounded up.</summary>
    public static long WriteRetryAfter(HttpResponse response, TimeSpan retryAfter)
    {
        var ms = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
        var seconds = (ms + 999) / 1000;
        response.Headers["retry-after-ms"] = ms.ToString(CultureInfo.InvariantCulture);
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }
}
