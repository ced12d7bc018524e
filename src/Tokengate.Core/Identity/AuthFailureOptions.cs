namespace Tokengate.Identity;

/// <summary>
/// Slowing down guessing: after <see cref="Limit"/> failed authentications from one client address within
/// <see cref="Window"/>, every request from that address gets 429 with <c>retry-after</c> until the window ends.
/// </summary>
public sealed class AuthFailureOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:AuthFailures";

    /// <summary>Failures allowed per address per window. Default 10; at least 1.</summary>
    public int Limit { get; set; } = 10;

    /// <summary>The window, counted from an address's first failure. Default 1 minute; 1 second to 1 day.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most addresses tracked at once, which bounds memory; when full, addresses whose window ended are dropped
    /// and new ones are not tracked until there is room. Default 100000; at least 100.
    /// </summary>
    public int MaxTrackedAddresses { get; set; } = 100_000;
}
