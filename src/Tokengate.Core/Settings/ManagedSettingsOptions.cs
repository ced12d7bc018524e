namespace Tokengate.Settings;

/// <summary>How an instance keeps the settings written through the admin API up to date (<c>Tokengate:Settings</c>). Read once at start.</summary>
public sealed class ManagedSettingsOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Settings";

    /// <summary>
    /// How often the instance asks the database whether the managed settings changed (one read of a version number).
    /// Changes made through this instance apply at once, and with Redis other instances hear about them at once; this is
    /// the safety net for a missed announcement or a fleet without Redis. Default 5 seconds; 1 second to 1 hour.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
