namespace Tokengate.Audit;

/// <summary>One security-relevant fact: who did what to what, when, from where, and how it ended.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Actor">The consumer, operator or system component that acted (never a key or token).</param>
/// <param name="Action">A dotted verb such as <c>key.created</c>, <c>key.revoked</c>, <c>elevation.approved</c>, <c>authorization.denied</c>.</param>
/// <param name="Target">What it acted on (a consumer, key id, role), if anything.</param>
/// <param name="ClientAddress">The caller's address, when it came over the network.</param>
/// <param name="Outcome"><c>success</c> or <c>denied</c> / <c>failed</c>.</param>
/// <param name="Detail">Free text for people (a reason, the missing scope); never a secret.</param>
public sealed record AuditRecord(
    DateTimeOffset At,
    string Actor,
    string Action,
    string? Target,
    string? ClientAddress,
    string Outcome,
    string? Detail = null)
{
    /// <summary>The record's position in the log, assigned when stored (0 before).</summary>
    public long Id { get; init; }

    /// <summary>
    /// How many occurrences the record stands for: 1 for an action; for a failure (a refused credential, a denied
    /// call) the repeats of the same action, actor, address and reason within one aggregation interval, the first of
    /// which is <see cref="At"/>.
    /// </summary>
    public long Count { get; init; } = 1;
}
