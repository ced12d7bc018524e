using System.Globalization;
using Tokengate.OpenAI;

namespace Tokengate.Priority;

/// <summary>The refusals of headroom: a class kept off provisioned capacity that is reserved for higher classes.</summary>
internal static class PriorityErrors
{
    /// <summary>How soon a refused request may try again: a utilization reading is about that fresh.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public static GatewayError CapacityReserved(string deployment, string priority, TimeSpan retryAfter) => new(429, "429",
        string.Create(CultureInfo.InvariantCulture,
            $"The capacity of deployment '{deployment}' left now is reserved for classes above '{priority}'. Please retry after {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} seconds."),
        RetryAfter: retryAfter);
}
