namespace Tokengate.Logging;

/// <summary>The filters of <c>GET /admin/requests</c>; every one optional. <see cref="Before"/> is a request id: only older requests.</summary>
internal sealed record RequestLogQuery(
    string? Consumer = null,
    string? Group = null,
    string? Deployment = null,
    int? StatusFrom = null,
    int? StatusTo = null,
    RequestLogOutcome? Outcome = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    Guid? Before = null,
    Guid? Id = null,
    int Limit = 100);
