namespace Tokengate.Elevation;

/// <summary>
/// Just-in-time elevation (<c>Tokengate:Elevation</c>): an <c>operator</c> or <c>admin</c> role held only for a
/// granted window. Read once at start.
/// </summary>
public sealed class ElevationOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Elevation";

    /// <summary>Longest window that can be requested, up to 7 days. Default 8 hours.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The window when a request names none; at most <see cref="MaxDuration"/>. Default 1 hour.</summary>
    public TimeSpan DefaultDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Roles a requester may approve for themselves (<c>operator</c>, <c>admin</c>); every other request needs
    /// another principal with the <c>admin</c> role. Default: none.
    /// </summary>
    public List<string> SelfApproveRoles { get; set; } = [];
}
