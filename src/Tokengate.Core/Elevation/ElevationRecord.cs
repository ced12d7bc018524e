namespace Tokengate.Elevation;

/// <summary>One elevation as stored: who asked for which role, why, and what became of it.</summary>
/// <param name="Id">Its identifier.</param>
/// <param name="Principal">The consumer or person who asked and who holds the role while active.</param>
/// <param name="Role"><c>operator</c> or <c>admin</c>.</param>
/// <param name="Reason">Why, in the requester's words.</param>
/// <param name="Duration">The window, counted from approval.</param>
/// <param name="StoredState">The stored state; <see cref="StateAt"/> also accounts for the clock.</param>
/// <param name="RequestedAt">When it was requested.</param>
/// <param name="ApprovedBy">Who approved it.</param>
/// <param name="ApprovedAt">When.</param>
/// <param name="ExpiresAt">When the window ends.</param>
/// <param name="RevokedBy">Who ended it early.</param>
/// <param name="RevokedAt">When.</param>
public sealed record ElevationRecord(
    string Id,
    string Principal,
    string Role,
    string Reason,
    TimeSpan Duration,
    ElevationState StoredState,
    DateTimeOffset RequestedAt,
    string? ApprovedBy = null,
    DateTimeOffset? ApprovedAt = null,
    DateTimeOffset? ExpiresAt = null,
    string? RevokedBy = null,
    DateTimeOffset? RevokedAt = null)
{
    /// <summary>The state at <paramref name="now"/>: an active elevation whose window has passed is expired.</summary>
    public ElevationState StateAt(DateTimeOffset now) =>
        StoredState == ElevationState.Active && ExpiresAt <= now ? ElevationState.Expired : StoredState;
}
