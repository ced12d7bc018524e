namespace Tokengate.Logging;

/// <summary>How a request ended, as <c>GET /admin/requests</c> reports and filters it (from the ledger's status and screening columns).</summary>
public enum RequestLogOutcome
{
    /// <summary>Answered with a status below 400.</summary>
    Success,

    /// <summary>Answered with 400 or above, not by screening (throttled requests included).</summary>
    Error,

    /// <summary>Answered 429 (the consumer's limits or every backend throttled).</summary>
    Throttled,

    /// <summary>Refused by prompt screening.</summary>
    Screened,
}
