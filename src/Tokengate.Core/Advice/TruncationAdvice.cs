namespace Tokengate.Advice;

/// <summary>
/// Truncation of one consumer's requests to one deployment: of the successful requests with a recorded output bound,
/// the share whose completion reached it (the answer was most likely cut off).
/// </summary>
internal sealed record TruncationAdvice(
    string Consumer,
    string Deployment,
    long Requests,
    long BoundedRequests,
    long TruncatedRequests,
    double Share,
    string Advice);
