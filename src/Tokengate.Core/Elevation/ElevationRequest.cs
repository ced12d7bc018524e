namespace Tokengate.Elevation;

/// <summary>The body of <c>POST /admin/elevations</c>.</summary>
internal sealed class ElevationRequest
{
    /// <summary><c>operator</c> or <c>admin</c>.</summary>
    public string? Role { get; set; }

    /// <summary>The window as <c>hh:mm:ss</c> (or <c>d.hh:mm:ss</c>); default <see cref="ElevationOptions.DefaultDuration"/>.</summary>
    public string? Duration { get; set; }

    /// <summary>Why the role is needed; required.</summary>
    public string? Reason { get; set; }
}
