namespace Tokengate.Audit;

/// <summary>
/// The repeats of one <see cref="FailureKey"/> in the current interval: the first one's time and samples, and how many
/// there were. Only the writer's loop touches it.
/// </summary>
internal sealed class FailureAggregateState(AuditFailure first)
{
    public AuditFailure First { get; } = first;

    public long Count { get; set; } = 1;
}
