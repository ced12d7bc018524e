namespace Tokengate.Elevation;

/// <summary>Durable elevations. State changes are conditional, so two approvers (or instances) cannot both win.</summary>
internal interface IElevationStore
{
    Task AddAsync(ElevationRecord record, CancellationToken cancellationToken);

    Task<ElevationRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Newest first; only <paramref name="principal"/>'s when given.</summary>
    Task<IReadOnlyList<ElevationRecord>> ListAsync(string? principal, int limit, CancellationToken cancellationToken);

    /// <summary>Elevations stored as active (some may have passed their window), of one principal or of all.</summary>
    Task<IReadOnlyList<ElevationRecord>> ActiveAsync(string? principal, CancellationToken cancellationToken);

    /// <summary>Pending → active; false when it was no longer pending.</summary>
    Task<bool> ApproveAsync(string id, string approvedBy, DateTimeOffset approvedAt, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Pending, or active and inside its window → revoked; false otherwise.</summary>
    Task<bool> RevokeAsync(string id, string revokedBy, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Active and past its window → expired; false when another call got there first.</summary>
    Task<bool> ExpireAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}
