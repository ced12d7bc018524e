using System.Globalization;
using Tokengate.OpenAI;

namespace Tokengate.Affinity;

/// <summary>The gateway's answers about stored objects, in the service's shapes. Unknown and not-yours read the same.</summary>
internal static class AffinityErrors
{
    public static GatewayError ResponseNotFound(string? id) => new(404, "not_found",
        $"No response found with id '{id}'.", "invalid_request_error");

    public static GatewayError PreviousResponseNotFound(string id) => new(404, "previous_response_not_found",
        $"Previous response with id '{id}' not found.", "invalid_request_error", "previous_response_id");

    public static GatewayError DifferentBackends(string id, string storedPool, string requestedPool) => new(400, "invalid_value",
        $"Previous response '{id}' lives on a backend of deployment '{storedPool}', not of '{requestedPool}': a request can only continue a response through the deployment that holds it.",
        "invalid_request_error", "previous_response_id");

    /// <summary>The backend that holds a pinned request's objects rests: it cannot go elsewhere, so the consumer is told when it is back.</summary>
    public static GatewayError PinnedBackendUnavailable(string deployment, TimeSpan retryAfter, bool throttled) => throttled
        ? new GatewayError(429, "429", string.Create(CultureInfo.InvariantCulture,
            $"The backend of deployment '{deployment}' that holds this response has exceeded its rate limit; the response cannot be served elsewhere. Please retry after {GatewayError.RetrySeconds(retryAfter)} seconds."),
            RetryAfter: retryAfter)
        : new GatewayError(503, "ServiceUnavailable", string.Create(CultureInfo.InvariantCulture,
            $"The backend of deployment '{deployment}' that holds this response is unavailable; the response cannot be served elsewhere. Please retry after {GatewayError.RetrySeconds(retryAfter)} seconds."),
            RetryAfter: retryAfter);
}
