namespace Tokengate.Configuration;

/// <summary>A consumer group (team) as the operator console shows it (<c>Tokengate:Groups:&lt;name&gt;</c>).</summary>
public sealed class GroupOptions
{
    /// <summary>What the group is, for people. Default: none; at most 500 characters.</summary>
    public string? Description { get; set; }
}
