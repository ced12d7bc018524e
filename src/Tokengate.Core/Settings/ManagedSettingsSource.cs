using Microsoft.Extensions.Configuration;

namespace Tokengate.Settings;

/// <summary>
/// The configuration layer of settings written through the admin API. The host puts it right above its built-in
/// defaults, so every file, environment variable and command-line argument overrides it. It starts empty: the table
/// is read once the database is migrated (<see cref="ManagedSettingsRefresher"/>), before the gateway serves.
/// </summary>
public sealed class ManagedSettingsSource : IConfigurationSource
{
    internal ManagedSettingsProvider Provider { get; } = new();

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
}
