using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace Tokengate.Settings;

/// <summary>
/// Who defines a part of the configuration. A part that any source other than the managed layer defines (a file, the
/// environment, the command line) belongs to that source: the admin API shows it read-only and refuses to write it,
/// since the other source would win anyway and the write would look as if it had no effect.
/// </summary>
internal static class SettingsOwnership
{
    /// <summary>The name of the last (winning) non-managed source that defines a key under any of <paramref name="prefixes"/>; null when none does.</summary>
    public static string? Owner(IConfiguration configuration, IEnumerable<string> prefixes)
    {
        if (configuration is not IConfigurationRoot root) return null;
        string? owner = null;
        foreach (var provider in Flatten(root.Providers))
        {
            if (provider is ManagedSettingsProvider) continue;
            if (prefixes.Any(prefix => Defines(provider, prefix))) owner = Describe(provider);
        }
        return owner;
    }

    /// <summary>True when <paramref name="provider"/> holds <paramref name="prefix"/> itself or any key below it.</summary>
    public static bool Defines(IConfigurationProvider provider, string prefix) =>
        provider.TryGet(prefix, out _) || provider.GetChildKeys([], prefix).Any();

    /// <summary>How a source is named to an operator: the file name, <c>environment</c>, <c>command line</c>, or the provider's own description.</summary>
    public static string Describe(IConfigurationProvider provider) => provider switch
    {
        FileConfigurationProvider file => file.Source.Path is { } path ? Path.GetFileName(path) : "a configuration file",
        EnvironmentVariablesConfigurationProvider => "environment",
        CommandLineConfigurationProvider => "command line",
        MemoryConfigurationProvider => "in-memory configuration",
        // A custom provider's ToString may name where it reads from (an endpoint); its type says enough.
        _ => provider.GetType().Name,
    };

    private static IEnumerable<IConfigurationProvider> Flatten(IEnumerable<IConfigurationProvider> providers)
    {
        foreach (var provider in providers)
        {
            if (provider is ChainedConfigurationProvider { Configuration: IConfigurationRoot inner })
            {
                foreach (var nested in Flatten(inner.Providers)) yield return nested;
            }
            else yield return provider;
        }
    }
}
