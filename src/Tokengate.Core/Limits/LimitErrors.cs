using System.Globalization;
using Tokengate.OpenAI;

namespace Tokengate.Limits;

/// <summary>The gateway's own answers for limits, budgets, max-tokens policies and the context window, in the service's shapes.</summary>
internal static class LimitErrors
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static GatewayError RateLimited(LimitDecision decision)
    {
        var scope = decision.Refused!;
        var what = decision.RefusedKind switch
        {
            LimitKind.TokensPerMinute => string.Create(Invariant, $"token rate limit of {scope.TokensPerMinute} tokens per minute"),
            LimitKind.RequestsPerMinute => string.Create(Invariant, $"call rate limit of {scope.RequestsPerMinute} requests per minute"),
            _ => string.Create(Invariant, $"limit of {scope.ConcurrentRequests} concurrent requests"),
        };
        if (decision.RetryAfter is not { } retryAfter)
        {
            return new GatewayError(429, "429", string.Create(Invariant,
                $"This request alone exceeds the {what} of {scope.Label} at Tokengate; reduce max_tokens or the prompt."),
                RetryAfter: TimeSpan.FromSeconds(60));
        }
        return new GatewayError(429, "429", string.Create(Invariant,
            $"Requests of {scope.Label} have exceeded the {what} at Tokengate. Please retry after {GatewayError.RetrySeconds(retryAfter)} seconds."),
            RetryAfter: retryAfter);
    }

    public static GatewayError BudgetExhausted(string budget, DateTimeOffset resetsAt, TimeSpan retryAfter) => new(429, "BudgetExceeded",
        string.Create(Invariant, $"The {budget} is spent. It resets at {resetsAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}."),
        RetryAfter: retryAfter);

    public static GatewayError MaxTokensAboveCap(string field, int requested, int cap) => new(400, "invalid_value",
        string.Create(Invariant, $"'{field}' is {requested}, above this deployment's limit of {cap} for your key. Use at most {cap}."),
        "invalid_request_error", field);

    /// <summary>The service's answer to an output bound beyond what the model can produce.</summary>
    public static GatewayError MaxTokensTooLarge(string field, int requested, int most) => new(400, "invalid_value",
        string.Create(Invariant, $"{field} is too large: {requested}. This model supports at most {most} completion tokens, whereas you provided {requested}."),
        "invalid_request_error", field);

    /// <summary>The service's own <c>context_length_exceeded</c> wording (protocol reference §5.2).</summary>
    public static GatewayError ContextLengthExceeded(int window, int promptTokens, int maxOutput) => new(400, "context_length_exceeded",
        maxOutput > 0
            ? string.Create(Invariant, $"This model's maximum context length is {window} tokens. However, you requested {(long)promptTokens + maxOutput} tokens ({promptTokens} in the messages, {maxOutput} in the completion). Please reduce the length of the messages or completion.")
            : string.Create(Invariant, $"This model's maximum context length is {window} tokens. However, your messages resulted in {promptTokens} tokens. Please reduce the length of the messages."),
        "invalid_request_error", "messages");
}
