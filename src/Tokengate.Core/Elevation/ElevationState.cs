namespace Tokengate.Elevation;

/// <summary>Where an elevation stands.</summary>
public enum ElevationState
{
    /// <summary>Requested, waiting for approval.</summary>
    Pending,

    /// <summary>Approved and inside its window: the role is held.</summary>
    Active,

    /// <summary>Its window has passed.</summary>
    Expired,

    /// <summary>Ended early (or withdrawn before approval).</summary>
    Revoked,
}
